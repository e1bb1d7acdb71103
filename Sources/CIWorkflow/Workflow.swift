import CIBasics
import CIYAML
