"""The baseline for bench/pageviews.py: a minimal Flask "hello", nothing else."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
