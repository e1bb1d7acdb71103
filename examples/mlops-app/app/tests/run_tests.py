"""Run the tests the way the pipeline does: `python app/tests/run_tests.py`."""
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
result = unittest.main(module=None, argv=["run_tests", "discover", str(Path(__file__).parent)], exit=False).result
sys.exit(0 if result.wasSuccessful() else 1)
