"""The stand-in push service and test phones, shared with the push tests."""

from ..push.conftest import device, receiver  # noqa: F401
