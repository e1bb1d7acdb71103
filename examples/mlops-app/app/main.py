"""A FastAPI service that serves the trained survival model."""
from pathlib import Path

import joblib
import pandas as pd
from fastapi import FastAPI
from pydantic import BaseModel

MODEL_PATH = Path(__file__).parent / "trained_pipeline.pkl"

app = FastAPI(title="Survival predictor")
pipeline = joblib.load(MODEL_PATH)


class Passenger(BaseModel):
    age: float | None = None
    fare: float
    sex: str
    embarked: str | None = None


@app.get("/")
def health() -> dict:
    return {"status": "ok"}


@app.post("/predict")
def predict(passenger: Passenger) -> dict:
    frame = pd.DataFrame([passenger.model_dump()])
    probability = float(pipeline.predict_proba(frame)[0][1])
    return {"survived": probability >= 0.5, "probability": round(probability, 3)}
