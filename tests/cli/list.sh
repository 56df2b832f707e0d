#!/bin/sh
# `tracelab list` on real stores: what the rows say.
. "$(dirname "$0")/../lib.sh"

# The DSPy store's one trace: its request preview is {"user_request": "…"};
# the row shows the words, as fifteen traces of one agent otherwise look
# the same.
cp "$FIX/mlflow-3-dspy-react-agent.db" "$T/dspy.db"
chmod u+w "$T/dspy.db"
run_tl list "$T/dspy.db"
expect_eq "list: exit 0" "$rc" 0
expect_has "list: the request's text, not its JSON" "$out" "ReAct.forward       -                         please help me book a flight"
case $out in
*'{"user_request"'*) not_ok "list: no JSON wrapper in the text" "$out" ;;
*) ok "list: no JSON wrapper in the text" ;;
esac
# JSON output keeps the stored preview as it is.
run_tl list "$T/dspy.db" --format json
expect_has "list: JSON keeps the stored preview" "$out" '"request_preview": "{\"user_request\": \"please help'
