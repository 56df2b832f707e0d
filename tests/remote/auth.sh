#!/bin/sh
# Logins against MLflow's basic-auth app: MLflow's environment variables
# and credentials file, one clear line for a wrong password, a missing
# login, a refused token and a missing permission, and no secret in any
# output.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/servers.lib"
remote_need
remote_start auth || exit 1
URL=$(remote_url auth)
unset MLFLOW_TRACKING_USERNAME MLFLOW_TRACKING_PASSWORD MLFLOW_TRACKING_TOKEN

MLFLOW_TRACKING_USERNAME=admin MLFLOW_TRACKING_PASSWORD=password1234 \
	mlpy auth 2 <"$TOP/tests/remote/seed.py" >"$T/seed" 2>"$T/seed.err"
exp=$(sed -n 's/^experiment //p' "$T/seed")
tid=$(grep '^tr-' "$T/seed" | tail -1)
remote_user "$URL" annot 'annot-Secret-77' "$exp" EDIT
remote_user "$URL" blocked 'blocked-Secret-88' "$exp" NO_PERMISSIONS
secrets="password1234 annot-Secret-77 blocked-Secret-88 wrong-Secret-99 tok-Secret-66"

as_annot() { MLFLOW_TRACKING_USERNAME=annot MLFLOW_TRACKING_PASSWORD=annot-Secret-77 run_tl "$@"; }

as_annot list "$URL" --experiment auth
expect_eq "auth: annot lists the experiment" "$(echo "$out" | grep -c 'tr-')" 2
printf '%s\n%s\n' "$out" "$err" >>"$T/captures"

as_annot log-feedback "$URL" --trace "$tid" --name ok --value yes
expect_eq "auth: annot (EDIT) logs feedback" "$rc" 0
aid=$out
got=$(MLFLOW_TRACKING_USERNAME=admin MLFLOW_TRACKING_PASSWORD=password1234 mlpy "$tid" <<'EOF' 2>>"$T/py.err"
import sys, mlflow
print(" ".join(a.assessment_id for a in mlflow.get_trace(sys.argv[1]).info.assessments))
EOF
)
expect_eq "auth: MLflow's client sees annot's row" "$got" "$aid"

# Wrong password: 401, one line naming the user and the server.
MLFLOW_TRACKING_USERNAME=annot MLFLOW_TRACKING_PASSWORD=wrong-Secret-99 run_tl list "$URL" --experiment auth
printf '%s\n%s\n' "$out" "$err" >>"$T/captures"
expect_eq "auth: a wrong password exits 1" "$rc" 1
expect_eq "auth: ... with one line" "$(printf '%s\n' "$err" | wc -l)" 1
expect_has "auth: ... naming the user and the server" "$err" "$URL: user 'annot' was refused (401"
case $err in *'<'*|*html*|*authenticated.\ Please*) not_ok "auth: ... never the HTML page" "$err" ;; *) ok "auth: ... never the HTML page" ;; esac

# No login at all.
run_tl list "$URL" --experiment auth
printf '%s\n%s\n' "$out" "$err" >>"$T/captures"
expect_eq "auth: no login exits 1" "$rc" 1
expect_has "auth: ... says what to set" "$err" "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD"

# A token the server does not take (expired, or not for this server).
MLFLOW_TRACKING_TOKEN=tok-Secret-66 run_tl list "$URL" --experiment auth
printf '%s\n%s\n' "$out" "$err" >>"$T/captures"
expect_eq "auth: a refused token exits 1" "$rc" 1
expect_has "auth: ... names the token's variable" "$err" "the token in MLFLOW_TRACKING_TOKEN was refused"

# No permission: the experiment is hidden from blocked, and its spans are
# refused with the permission named.
MLFLOW_TRACKING_USERNAME=blocked MLFLOW_TRACKING_PASSWORD=blocked-Secret-88 \
	run_tl export "$URL" --experiment "$exp"
printf '%s\n%s\n' "$out" "$err" >>"$T/captures"
expect_eq "auth: blocked cannot export" "$rc" 1
expect_has "auth: ... one line naming who and what is missing" "$err" \
	"user 'blocked' may not read the experiment (403 permission denied): READ permission"

# ~/.mlflow/credentials, MLflow's format (the environment wins over it).
mkdir -p "$HOME/.mlflow"
cat >"$HOME/.mlflow/credentials" <<'EOF'
# tracelab test
[mlflow]
mlflow_tracking_username = annot
mlflow_tracking_password = annot-Secret-77
EOF
chmod 600 "$HOME/.mlflow/credentials"
run_tl feedback "$URL" "$tid"
expect_eq "auth: ~/.mlflow/credentials logs in" "$rc" 0
expect_has "auth: ... and reads the feedback" "$out" "$aid"
MLFLOW_TRACKING_PASSWORD=wrong-Secret-99 run_tl feedback "$URL" "$tid"
printf '%s\n%s\n' "$out" "$err" >>"$T/captures"
expect_eq "auth: MLFLOW_TRACKING_PASSWORD beats the file" "$rc" 1
rm -f "$HOME/.mlflow/credentials"

# TLS settings MLflow refuses together.
MLFLOW_TRACKING_INSECURE_TLS=true MLFLOW_TRACKING_SERVER_CERT_PATH=/etc/ssl/certs/ca-certificates.crt \
	run_tl list "$URL" --experiment auth
expect_eq "auth: INSECURE_TLS with SERVER_CERT_PATH is refused" "$rc" 2

# --help never shows a secret either.
MLFLOW_TRACKING_USERNAME=annot MLFLOW_TRACKING_PASSWORD=annot-Secret-77 run_tl list --help
printf '%s\n%s\n' "$out" "$err" >>"$T/captures"

leaks=0
for s in $secrets; do
	grep -q -- "$s" "$T/captures" && leaks=$((leaks + 1))
done
expect_eq "auth: no secret in any output" "$leaks" 0
