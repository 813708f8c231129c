"""A TCP proxy on loopback in front of a real server (Dovecot, an SMTP
recorder), which a test tells how to hang, connection by connection:

  Silent()               accepts and never says a word (no greeting)
  Freeze(after, until)   forwards normally until the client sends `after`
                         (bytes); from then on forwards what the server says
                         until it has said `until` (bytes, or a byte count),
                         then nothing more either way: a dead peer that TCP
                         still keeps open
  Trickle()              forwards what the server says one byte a second

plan maps a connection's number (0 for the first) to one of these; other
connections are forwarded as they are. Every event is kept with its time
(events()), so that a test can measure timeouts and backoff."""
import socket
import threading
import time


class Silent:
    pass


class Freeze:
    def __init__(self, after, until):
        self.after = after
        self.until = until


class Trickle:
    pass


class LoopbackServer:
    """A listening socket on loopback whose connections _serve() accepts in
    a thread; every event kept with its time; close() ends it all."""

    def __init__(self):
        self.lock = threading.Lock()
        self.log = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.held = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def note(self, what):
        with self.lock:
            self.log.append((time.monotonic(), what))

    def events(self, what=None):
        with self.lock:
            return [(t, w) for t, w in self.log if what is None or w.startswith(what)]

    def close(self):
        self.stopping = True
        self.thread.join(5)
        for s in self.held:
            try:
                s.close()
            except OSError:
                pass
        self.sock.close()

    def _serve(self):
        raise NotImplementedError


class Proxy(LoopbackServer):
    def __init__(self, upstream_port, plan=None):
        self.upstream = upstream_port
        self.plan = dict(plan or {})
        self.count = 0
        super().__init__()

    def _serve(self):
        while not self.stopping:
            try:
                client, _ = self.sock.accept()
            except OSError:
                continue
            n = self.count
            self.count += 1
            self.held.append(client)
            self.note(f"connect {n}")
            behaviour = self.plan.get(n)
            if isinstance(behaviour, Silent):
                continue
            server = socket.create_connection(("127.0.0.1", self.upstream))
            self.held.append(server)
            state = {"frozen": False, "triggered": False, "sent": b"", "n": n}
            for src, dst, up in ((client, server, True), (server, client, False)):
                threading.Thread(target=self._pump, args=(src, dst, up, behaviour, state),
                                 daemon=True).start()

    def _pump(self, src, dst, up, behaviour, state):
        try:
            while not self.stopping:
                data = src.recv(65536)
                if not data:
                    self.note(f"{'client' if up else 'server'} closed {state['n']}")
                    try:
                        dst.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    return
                if state["frozen"]:
                    self.note(f"{'client' if up else 'server'} spoke to a frozen peer {state['n']}")
                    continue
                if isinstance(behaviour, Freeze):
                    data = self._freeze(data, up, behaviour, state)
                if isinstance(behaviour, Trickle) and not up:
                    for i in range(len(data)):
                        if self.stopping:
                            return
                        dst.sendall(data[i:i + 1])
                        time.sleep(1.0)
                    continue
                if data:
                    dst.sendall(data)
        except OSError:
            return

    def _freeze(self, data, up, behaviour, state):
        if up:
            if not state["triggered"] and behaviour.after in data:
                state["triggered"] = True
                self.note(f"trigger {state['n']}")
            return data
        if not state["triggered"]:
            return data
        until = behaviour.until
        if isinstance(until, int):
            room = until - len(state["sent"])
            data = data[:max(room, 0)]
            state["sent"] += data
            if len(state["sent"]) >= until:
                state["frozen"] = True
                self.note(f"frozen {state['n']}")
            return data
        seen = state["sent"] + data
        at = seen.find(until)
        if at < 0:
            state["sent"] = seen
            return data
        end = seen.find(b"\n", at)
        end = len(seen) if end < 0 else end + 1
        keep = end - len(state["sent"])
        state["frozen"] = True
        self.note(f"frozen {state['n']}")
        return data[:keep]
