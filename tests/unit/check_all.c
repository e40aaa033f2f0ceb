/* SPDX-License-Identifier: Apache-2.0 */
/* check_all.c: one runner for every tests/unit/check_<m>.c suite. */
#include <check.h>
#include <stdlib.h>

#define SUITE(m) Suite *m##_suite(void);
#include "suites.h"
#undef SUITE

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

#define SUITE(m) srunner_add_suite(sr, m##_suite());
#include "suites.h"
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
