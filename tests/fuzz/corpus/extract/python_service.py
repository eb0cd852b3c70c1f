#!/usr/bin/env python3
"""Service module.

Provides the Service class.
"""

import os

MAX_WORKERS = 8
DEFAULT_NAME: str = "service"
timeout = 30  # lower case: not a constant
type Vector = list[float]
Callback: TypeAlias = "Callable[[int], None]"


class Service(Base):
    """A service.

    It serves.
    """

    RETRIES = 3

    def __init__(self, name):
        '''Builds the service.'''
        self.name = name
        LOCAL = 1  # inside a function: not reported

    @property
    def name_upper(self):
        return self.name.upper()

    async def run(self):
        text = "def fake(): pass  # not a comment"
        query = """
        class NotAClass:
            pass
        """
        return f"{self.name!r} {'#'} {text}"

    class Config:
        DEBUG = False


def helper(x, y=(1, 2),
           z="def in a default"):
    def nested():
        """Nested docstring."""
        return x

    return nested


async def fetch(url): return url

# Two comment lines
# merge into one.
def last():
    s = 'it''s'  # adjacent strings
    return rb'\d+' + r"\"" + u'x'
