/*
 * core/queue.c: MLflow's normalisation of review-queue names, users and
 * item ids (mlflow/genai/review_queues/validation.py).
 */
#include "test.h"

#include <stdlib.h>
#include <string.h>

#include "core/queue.h"

TEST(users_are_stripped_and_lowered)
{
	const char *in[] = { "  Alice@Example.COM\t", "bob", "ALICE@example.com" };
	char **out = NULL;
	size_t n = 0;
	struct err err;

	CHECK_INT(queue_norm_users(in, 3, &out, &n, &err), 0);
	CHECK_INT(n, 2);
	CHECK_STR(out[0], "alice@example.com");
	CHECK_STR(out[1], "bob");
	queue_strv_free(out, n);
}

TEST(at_most_ten_users_and_none_empty)
{
	const char *many[11] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k" };
	const char *blank[] = { "   " };
	char **out = NULL;
	size_t n = 0;
	struct err err;

	CHECK_INT(queue_norm_users(many, 10, &out, &n, &err), 0);
	queue_strv_free(out, n);
	CHECK_INT(queue_norm_users(many, 11, &out, &n, &err), -1);
	CHECK(strstr(err.msg, "at most 10") != NULL);
	CHECK_INT(queue_norm_users(blank, 1, &out, &n, &err), -1);
	CHECK_INT(err.code, ERR_USAGE);
}

TEST(custom_names_keep_case_refuse_default)
{
	struct err err;
	char *n = queue_norm_name("  Billing Review \n", &err), *k;

	CHECK_STR(n, "Billing Review");
	k = queue_name_key(n, &err);
	CHECK_STR(k, "billing review");
	free(k);
	free(n);
	CHECK_NULL(queue_norm_name("DeFault", &err));
	CHECK(strstr(err.msg, "reserved") != NULL);
	CHECK_NULL(queue_norm_name("   ", &err));
	CHECK_NULL(queue_name_key("Caf\xc3\xa9", &err));
	CHECK(strstr(err.msg, "ASCII") != NULL);
}

TEST(item_ids_are_stripped_not_lowered)
{
	const char *in[] = { " tr-ABC ", "tr-ABC", "tr-abc" };
	char **out = NULL;
	size_t n = 0;
	struct err err;

	CHECK_INT(queue_norm_items(in, 3, &out, &n, &err), 0);
	CHECK_INT(n, 2);
	CHECK_STR(out[0], "tr-ABC");
	CHECK_STR(out[1], "tr-abc");
	queue_strv_free(out, n);
	CHECK_INT(queue_norm_items(in, 0, &out, &n, &err), -1);
}

TEST(statuses)
{
	CHECK(queue_status_valid("pending"));
	CHECK(queue_status_valid("complete"));
	CHECK(queue_status_valid("declined"));
	CHECK(!queue_status_valid("completed"));
	CHECK(!queue_status_valid(NULL));
}

int main(void)
{
	RUN(users_are_stripped_and_lowered);
	RUN(at_most_ten_users_and_none_empty);
	RUN(custom_names_keep_case_refuse_default);
	RUN(item_ids_are_stripped_not_lowered);
	RUN(statuses);
	TEST_MAIN_END();
}
