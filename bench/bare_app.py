"""The yardstick: a bare Flask app with one route returning a constant string."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index() -> str:
    return "Hello, World!"
