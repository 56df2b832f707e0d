/*
 * tracelab: browse MLflow GenAI traces in a terminal and label them with
 * feedback that MLflow reads back.  Everything happens in cmd/.
 */
#include <locale.h>

#include "cmd/cmd.h"

int main(int argc, char **argv)
{
	/* Characters from the environment; numbers always with a '.', as
	 * MLflow writes them. */
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	return cmd_main(argc, argv);
}
