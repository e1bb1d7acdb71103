import unittest

from fastapi.testclient import TestClient

from main import app


class PredictTests(unittest.TestCase):
    def setUp(self) -> None:
        self.client = TestClient(app)

    def test_health(self) -> None:
        self.assertEqual(self.client.get("/").json(), {"status": "ok"})

    def test_predict_returns_a_probability(self) -> None:
        response = self.client.post("/predict", json={"age": 30, "fare": 80.0, "sex": "female", "embarked": "C"})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertIsInstance(body["survived"], bool)
        self.assertGreaterEqual(body["probability"], 0.0)
        self.assertLessEqual(body["probability"], 1.0)

    def test_missing_fare_is_rejected(self) -> None:
        response = self.client.post("/predict", json={"sex": "male"})
        self.assertEqual(response.status_code, 422)


if __name__ == "__main__":
    unittest.main()
