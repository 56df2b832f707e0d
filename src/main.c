#include <stdio.h>

int main(void)
{
	puts("tracelab " TRACELAB_VERSION);
	return 0;
}
