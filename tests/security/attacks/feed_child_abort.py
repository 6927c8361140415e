"""A feed parser child that crashes on purpose (SIGABRT), standing in for expat overflowing its
stack: run as `python -m tests.security.attacks.feed_child_abort` by test_feed_xml.py."""

import os

if __name__ == "__main__":
    os.abort()
