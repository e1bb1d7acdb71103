"""Train the survival model: impute, encode, scale, fit, evaluate, save."""
from pathlib import Path

import joblib
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = Path(__file__).parent
NUMERIC = ["age", "fare"]
CATEGORICAL = ["sex", "embarked"]


def build_pipeline() -> Pipeline:
    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categorical = Pipeline(
        [("impute", SimpleImputer(strategy="most_frequent")), ("encode", OneHotEncoder(handle_unknown="ignore"))]
    )
    features = ColumnTransformer([("numeric", numeric, NUMERIC), ("categorical", categorical, CATEGORICAL)])
    return Pipeline([("features", features), ("model", LogisticRegression(max_iter=1000))])


def main() -> None:
    data = pd.read_csv(HERE / "data" / "passengers.csv")
    x, y = data[NUMERIC + CATEGORICAL], data["survived"]
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)
    pipeline = build_pipeline().fit(x_train, y_train)
    print(f"validation accuracy: {pipeline.score(x_test, y_test):.2f}")
    joblib.dump(pipeline, HERE / "trained_pipeline.pkl")


if __name__ == "__main__":
    main()
