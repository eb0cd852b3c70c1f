# Strings and layouts that look like code.
import re

PATTERN = re.compile(r"def \w+\(")  # a raw string with def
TEMPLATE = f"{'#'} {"nested quotes, Python 3.12"} {{not a field}}"
MULTI = """
def not_a_function():
    '''nested quotes'''
"""
ESCAPED = 'it\'s # not a comment'


@decorator(
    "class NotAClass:",
)
class Outer:
    x = 1; Y_VALUE = 2

    def method(self, value=")"):  # a paren in a default
        class Inner:
            pass
        return Inner

	# a tab-indented comment line


def one_line(): return "def nope(): pass"


def continued(a,
              b):
    return a + \
        b


if __name__ == "__main__":
    MAIN_ONLY = True
    def main_helper():
        pass
