#!/usr/bin/env python3
"""Save-to-reload latency of `haven serve`: edits articles one at a time and times each, from
the moment the file is written to the moment the live-reload `reload` event reaches a listener on
/__haven/events (what a browser tab waits for). Articles are restored afterwards.

Usage: benches/serve-latency.py HAVEN_BINARY SITE_ROOT [EDITS]
       e.g. benches/serve-latency.py target/release/haven /tmp/haven-bench/corpus-10000 8
Environment: PAUSE, seconds between saves (default 0.5); HAVEN_SERVE_LOG, a file for the
server's output (its "Rebuilt ... in N ms" lines split each time into waiting and rebuilding).
"""
import os
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listen(port):
    """A connection to the event stream, past its greeting."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /__haven/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
    s.settimeout(10)
    greeting = b""
    while b"retry:" not in greeting:
        greeting += s.recv(65536)
    return s


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, root = sys.argv[1], sys.argv[2]
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    articles_dir = os.path.join(root, "content", "articles")
    articles = sorted(os.listdir(articles_dir))[:edits]
    originals = {a: open(os.path.join(articles_dir, a), encoding="utf-8").read() for a in articles}
    port = free_port()
    server = subprocess.Popen(
        [binary, "serve", "--root", root, "--port", str(port)],
        stdout=open(os.environ.get("HAVEN_SERVE_LOG", os.devnull), "w"),
        stderr=subprocess.STDOUT,
    )
    times = []
    try:
        deadline = time.time() + 120
        while True:
            try:
                listen(port).close()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    sys.exit("haven serve did not start")
                time.sleep(0.2)
        time.sleep(2)  # let the watcher settle after the first build
        for n, article in enumerate(articles):
            stream = listen(port)
            path = os.path.join(articles_dir, article)
            text = originals[article]
            edited = text.replace("\n\n", f"\n\nAn edited paragraph, number {n}.\n\n", 1)
            start = time.time()
            with open(path, "w", encoding="utf-8") as f:
                f.write(edited)
            received = b""
            while b"event: reload" not in received:
                received += stream.recv(65536)
            times.append((time.time() - start) * 1000)
            stream.close()
            time.sleep(float(os.environ.get("PAUSE", "0.5")))
    finally:
        for article, text in originals.items():
            with open(os.path.join(articles_dir, article), "w", encoding="utf-8") as f:
                f.write(text)
        server.terminate()
        server.wait()
    times.sort()
    print("save -> reload event, ms:", " ".join(f"{t:.0f}" for t in times))
    print(f"median {times[len(times) // 2]:.0f} ms")


if __name__ == "__main__":
    main()
