"""A feed parser child that never answers and eats memory, standing in for a parser stuck on a
hostile file: run as `python -m tests.security.attacks.feed_child_hog` by test_feed_xml.py.
It applies the real child's limits first, so the memory limit stops it."""

import time

from zoelife.ingest.feedparse import _limit_self

if __name__ == "__main__":
    _limit_self()
    hog = []
    try:
        while True:
            hog.append(bytearray(64 * 1024 * 1024))
    except MemoryError:
        hog.clear()
    time.sleep(3600)
