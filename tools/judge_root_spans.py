"""Writes LLM-judge feedback onto the root span of every trace of a store,
exactly as mlflow.genai.evaluate's harness logs a scorer's feedback
(mlflow/genai/evaluation/harness.py, _log_assessments: the trace id, then
span_id = the root span's id, then mlflow.log_assessment), and prints the
rows MLflow wrote as SQL INSERT statements.

A developer tool: it made tests/fixtures/third_party/judges-on-root-spans.sql
(see SOURCES.md there).  It needs MLflow's Python client:

    . /work/mlflow-env/env.sh
    cp tests/fixtures/third_party/mlflow-3-dspy-react-agent.db /tmp/j.db
    ./tracelab import /tmp/j.db examples/demo.jsonl --experiment support-bot
    "$MLFLOW_PYTHON" tools/judge_root_spans.py /tmp/j.db > out.sql

MLflow upgrades the copy's schema when it opens it; only the assessment rows
are printed, so they can be added to a store of the original schema.  The
judges' values are chosen from the trace id (the same input gives the same
rows, but for their ids and times, which MLflow chooses).
"""
import hashlib
import sqlite3
import sys

import mlflow
from mlflow.entities import AssessmentSource, AssessmentSourceType, Feedback

COLUMNS = ("assessment_id, trace_id, name, assessment_type, value, error, created_timestamp,"
           " last_updated_timestamp, source_type, source_id, run_id, span_id, rationale,"
           " overrides, valid, assessment_metadata")


def verdicts(trace_id):
    h = hashlib.sha256(trace_id.encode()).digest()
    correct = "yes" if h[0] % 3 else "no"
    helpful = 1 + h[1] % 5
    return [
        ("correctness", correct, "The answer %s the question." %
         ("settles" if correct == "yes" else "does not settle")),
        ("helpfulness", helpful, "Rated %d of 5 for how much it helps the user." % helpful),
    ]


def main(path):
    mlflow.set_tracking_uri("sqlite:///" + path)
    judge = AssessmentSource(source_type=AssessmentSourceType.LLM_JUDGE,
                             source_id="openai:/gpt-4o-mini")
    exps = [e.experiment_id for e in mlflow.search_experiments()]
    ids = []
    for trace in mlflow.search_traces(locations=exps, return_type="list"):
        root = trace.data._get_root_span()
        for name, value, why in verdicts(trace.info.trace_id):
            fb = Feedback(name=name, value=value, rationale=why, source=judge)
            fb.trace_id = trace.info.trace_id
            if root:
                fb.span_id = root.span_id
            ids.append(mlflow.log_assessment(trace_id=fb.trace_id, assessment=fb).assessment_id)
    db = sqlite3.connect(path)
    print("-- Written by tools/judge_root_spans.py (see SOURCES.md).")
    for row in db.execute("SELECT %s FROM assessments WHERE assessment_id IN (%s)"
                          " ORDER BY trace_id, name" % (COLUMNS, ", ".join("?" * len(ids))),
                          ids):
        vals = ", ".join("NULL" if v is None else str(v) if isinstance(v, int)
                         else "'" + str(v).replace("'", "''") + "'" for v in row)
        print("INSERT INTO assessments (%s) VALUES (%s);" % (COLUMNS, vals))


if __name__ == "__main__":
    main(sys.argv[1])
