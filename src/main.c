/*
 * tracelab: browse MLflow GenAI traces in a terminal and label them with
 * feedback that MLflow reads back.  Everything happens in cmd/.
 */
#include <locale.h>
#include <signal.h>

#include "cmd/cmd.h"

int main(int argc, char **argv)
{
	/* Characters from the environment; numbers always with a '.', as
	 * MLflow writes them. */
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	/* A file-size limit (ulimit -f) reached while writing the store must
	 * become a write error, reported with the label kept as pending, not a
	 * kill that loses it: with SIGXFSZ ignored the write fails with EFBIG. */
	signal(SIGXFSZ, SIG_IGN);
	return cmd_main(argc, argv);
}
