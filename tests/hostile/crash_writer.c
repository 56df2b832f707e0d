/*
 * A feedback writer for the crash test (tests/cli/crash.sh): logs feedback
 * on one trace in a tight loop through the store API, the same calls the
 * headless commands and the browser use, and after each write has returned
 * (committed) appends the new id and a newline to ACKFILE with one write(2).
 * Every fourth write overrides the previous acknowledged one.  It runs until
 * it is killed; a kill can land anywhere, including inside a commit.
 *
 *   crash_writer STORE TRACE_ID SPAN_ID WRITER ACKFILE
 *
 * A write that fails (the store stayed locked past the busy timeout) is
 * reported on stderr and the loop goes on.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/pyjson.h"
#include "store/store.h"
#include "svc/feedback.h"

int main(int argc, char **argv)
{
	struct store *st = NULL;
	struct err err = { 0 };
	char prev[64] = "", id[64], name[32], src[32], val[64], meta1[32], meta2[32], rat[32];
	const char *md[3];
	unsigned long k;
	int ack;

	if (argc != 6) {
		fprintf(stderr, "usage: crash_writer STORE TRACE_ID SPAN_ID WRITER ACKFILE\n");
		return 2;
	}
	ack = open(argv[5], O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (ack < 0 || store_open(argv[1], 0, &st, &err) != 0) {
		fprintf(stderr, "crash_writer: %s\n", ack < 0 ? "cannot open the ack file" : err.msg);
		return 1;
	}
	snprintf(name, sizeof name, "crash-w%s", argv[4]);
	snprintf(src, sizeof src, "writer-%s", argv[4]);
	snprintf(meta1, sizeof meta1, "writer=%s", argv[4]);
	for (k = 1;; k++) {
		struct feedback_req req;
		int rc;

		memset(&req, 0, sizeof req);
		req.trace_id = argv[2];
		req.name = name;
		req.source_id = src;
		req.type = VT_AUTO;
		switch (k % 4) {
		case 0:
			req.value_text = "false";
			break;
		case 1:
			snprintf(val, sizeof val, "%lu", k);
			req.value_text = val;
			req.span_id = argv[3];
			break;
		case 2:
			snprintf(val, sizeof val, "0.%lu", k);
			snprintf(meta2, sizeof meta2, "k=%lu", k);
			md[0] = meta1;
			md[1] = meta2;
			md[2] = NULL;
			req.value_text = val;
			req.metadata = md;
			break;
		default:
			snprintf(val, sizeof val, "text %lu caf\xc3\xa9 \"q\" \\ back", k);
			snprintf(rat, sizeof rat, "because %lu", k);
			req.value_text = val;
			req.type = VT_TEXT;
			req.rationale = rat;
			break;
		}
		err_clear(&err);
		if (k % 4 == 0 && prev[0])
			rc = svc_override_feedback(st, prev, &req, id, &err);
		else
			rc = svc_log_feedback(st, &req, id, &err);
		if (rc != 0) {
			fprintf(stderr, "crash_writer: %s\n", err.msg);
			continue;
		}
		/* Acknowledged: the write returned. */
		{
			char line[80];
			int n = snprintf(line, sizeof line, "%s\n", id);

			if (write(ack, line, (size_t)n) != n)
				return 1;
		}
		snprintf(prev, sizeof prev, "%s", id);
	}
}
