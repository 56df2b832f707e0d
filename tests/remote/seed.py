"""Logs traces with MLflow's own Python client, as an application would.

    MLFLOW_TRACKING_URI=URL python3 seed.py EXPERIMENT COUNT [--judge] [--errors]

Each trace is a small RAG-style call: a root CHAIN span "rag_answer" (or
"chat_turn" for every third), with a RETRIEVER and a CHAT_MODEL child, inputs
and outputs, user and session metadata (user-<i % 3>, session-<i // 4>) and a
tag team=blue|red.  --errors makes every fifth trace fail (status ERROR, an
exception event).  --judge adds LLM-judge feedback "correctness" (yes / no)
to every other trace with mlflow.log_feedback.  Prints one trace id per line,
oldest first, and the experiment id last as "experiment <id>".
"""
import sys
import time

import mlflow
from mlflow.entities import AssessmentSource, AssessmentSourceType

name, count = sys.argv[1], int(sys.argv[2])
judge = "--judge" in sys.argv
errors = "--errors" in sys.argv
exp = mlflow.set_experiment(name)
ids = []
for i in range(count):
    root = "chat_turn" if i % 3 == 2 else "rag_answer"
    failed = errors and i % 5 == 4
    try:
        with mlflow.start_span(name=root, span_type="CHAIN") as span:
            q = "question %d about invoices" % i
            span.set_inputs({"question": q})
            mlflow.update_current_trace(
                tags={"team": "blue" if i % 2 else "red"},
                metadata={"mlflow.trace.user": "user-%d" % (i % 3),
                          "mlflow.trace.session": "session-%d" % (i // 4)})
            with mlflow.start_span(name="retrieve", span_type="RETRIEVER") as r:
                r.set_inputs({"query": q})
                r.set_outputs([{"page_content": "Invoices are sent monthly.", "id": "doc-%d" % i}])
            with mlflow.start_span(name="ChatOpenAI", span_type="CHAT_MODEL") as c:
                c.set_inputs({"messages": [{"role": "user", "content": q}]})
                if failed:
                    raise RuntimeError("upstream model timed out (%d)" % i)
                c.set_outputs({"choices": [{"message": {"role": "assistant",
                                                        "content": "Answer %d" % i}}]})
            span.set_outputs("Answer %d" % i)
            tid = span.trace_id
    except RuntimeError:
        tid = mlflow.get_last_active_trace_id()
    ids.append(tid)
    # Distinct timestamps, so that "newest first" is one order.
    time.sleep(0.002)
mlflow.flush_trace_async_logging()
if judge:
    for i, tid in enumerate(ids):
        if i % 2 == 0:
            mlflow.log_feedback(
                trace_id=tid, name="correctness", value="yes" if i % 4 == 0 else "no",
                rationale="judged %d" % i,
                source=AssessmentSource(source_type=AssessmentSourceType.LLM_JUDGE,
                                        source_id="openai:/gpt-4o-mini"))
for tid in ids:
    print(tid)
print("experiment", exp.experiment_id)
