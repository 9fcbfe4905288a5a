"""Exit statuses of the command line, one documented number per outcome."""

from enum import IntEnum


class ExitStatus(IntEnum):
    """What `evaluate` returns to the shell."""

    OK = 0            #: everything asked for was graded
    SOME_FAILED = 1   #: at least one answer (or rubric) could not be graded
    USAGE = 2         #: the command line itself was wrong
    CTRL_C = 130      #: interrupted by the user
