"""The yardstick of bench/throughput.py: a bare Flask app answering one small JSON document,
served by gunicorn with the same settings as Aankomst (`gunicorn --config
deploy/gunicorn.conf.py bench.hello:app`)."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def hello():
    return jsonify({"hello": "world"})
