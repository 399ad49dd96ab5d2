/* SPDX-License-Identifier: MIT */
/* The `ucpolicy` program: the command is ucp_cli_main (cli-private.h, the ucpolicy-cli library). */
#include "config.h"

#include "cli-private.h"

int main(int argc, char **argv)
{
    cli_program_start(&argc, &argv); /* Windows: UTF-8 arguments, binary streams */
    return ucp_cli_main(argc, argv);
}
