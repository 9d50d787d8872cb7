"""The error of a model fit, in a module of its own so that code which reports it (the
command line) need not import SciPy, which the fits need, before a fit runs."""


class FitError(RuntimeError):
    """The likelihood could not be maximised (the message says why)."""
