"""Clock edges in the programme's zone (Europe/Zurich): a training time the
clocks skip or show twice is refused with the candidates named; check-ins
and training reminders count calendar days, so that a check-in due at 09:00
stays at 09:00 across both changes of the year (last Sunday of March and
of October)."""
from common import ProgrammeTest, of_kind

PEOPLE = [
    ("anna@example.org", "mentor", "Anna Keller", "IT", "Software", "en"),
    ("bea@example.org", "mentee", "Bea Roux", "IT", "Software", "en"),
]


class ClockEdges(ProgrammeTest):
    def start(self, day):
        """A cohort, two people and their pair, introduced at 09:00 on day."""
        self.cli("cohort", "open", "2026", now=f"{day}T08:00")
        self.enrol(PEOPLE, now=f"{day}T08:00")
        self.pair("anna@example.org", "bea@example.org", now=f"{day}T09:00")
        self.once(now=f"{day}T09:00")
        self.assertEqual(len(of_kind(self.env, "introduction")), 1)

    def checkins(self):
        return len(of_kind(self.env, "checkin"))

    def test_training_time_the_clocks_skip(self):
        self.start("2026-03-02")
        out = self.cli("training", "2026-03-29", "02:30", "90m", "Room 1, Basics", now="2026-03-02T10:00")
        self.assertIn("2026-03-29 02:30 does not exist in Europe/Zurich", out)
        self.assertIn("03:30 CEST", out)
        self.once(now="2026-03-02T10:00")
        self.assertEqual(of_kind(self.env, "invitation"), [], "nothing planned, nobody invited")
        print(f"\n  skipped hour: {out.strip()}")

    def test_training_time_the_clocks_show_twice(self):
        self.start("2026-10-01")
        out = self.cli("training", "2026-10-25", "02:30", "90m", "Room 1, Basics", now="2026-10-01T10:00")
        self.assertIn("2026-10-25 02:30 happens twice in Europe/Zurich", out)
        self.assertIn("02:30 CEST (UTC+0200)", out)
        self.assertIn("02:30 CET (UTC+0100)", out)
        print(f"\n  repeated hour: {out.strip()}")
        self.once(now="2026-10-01T10:00")
        self.assertEqual(of_kind(self.env, "invitation"), [])
        # an hour later is one instant: planned
        out = self.cli("training", "2026-10-25", "03:30", "90m", "Room 1, Basics", now="2026-10-01T10:00")
        self.assertIn("2 matched people invited", out)

    def test_checkin_at_nine_across_the_spring_change(self):
        # introduced Monday 16 March 09:00 CET; 14 days later is 30 March,
        # after the change: still 09:00, now CEST (13 days 23 hours)
        self.start("2026-03-16")
        self.once(now="2026-03-30T08:30")
        self.assertEqual(self.checkins(), 0, "the check-in came before 09:00")
        self.once(now="2026-03-30T09:05")
        self.assertEqual(self.checkins(), 2, "the check-in did not come at 09:00")

    def test_checkin_at_nine_across_the_autumn_change(self):
        # introduced Monday 12 October 09:00 CEST; 26 October 09:00 CET is
        # 14 days and one hour later
        self.start("2026-10-12")
        self.once(now="2026-10-26T08:30")
        self.assertEqual(self.checkins(), 0, "the check-in came an hour early")
        self.once(now="2026-10-26T09:05")
        self.assertEqual(self.checkins(), 2)

    def test_training_reminder_a_calendar_day_before(self):
        # training Sunday 29 March 10:00 CEST: reminded Saturday 10:00 CET
        self.start("2026-03-02")
        self.cli("training", "2026-03-29", "10:00", "90m", "Room 1, Basics", now="2026-03-02T10:00")
        self.once(now="2026-03-28T09:30")
        self.assertEqual(of_kind(self.env, "training-reminder"), [], "reminded an hour early")
        self.once(now="2026-03-28T10:05")
        self.assertEqual(len(of_kind(self.env, "training-reminder")), 2)

    def test_training_reminder_across_the_autumn_change(self):
        # training Sunday 25 October 10:00 CET: reminded Saturday 10:00 CEST
        self.start("2026-10-01")
        self.cli("training", "2026-10-25", "10:00", "90m", "Room 1, Basics", now="2026-10-01T10:00")
        self.once(now="2026-10-24T09:30")
        self.assertEqual(of_kind(self.env, "training-reminder"), [])
        self.once(now="2026-10-24T10:30")
        self.assertEqual(len(of_kind(self.env, "training-reminder")), 2, "reminded an hour late")

    def test_idle_daemon_wakes_for_the_next_job(self):
        """`run`, idle in IDLE, wakes at the check-in's time and no sooner:
        the wait lasts until the next job, with no timer ticking."""
        import os
        import signal
        import subprocess
        import time
        self.start("2026-03-16")
        # no polling to lean on: only the next job can wake it
        self.env.reconfigure(self.extra_config + "\nimap.poll_seconds = 3600")
        log_path = os.path.join(self.env.root, "run.log")
        with open(log_path, "w") as log:
            p = subprocess.Popen([self.env.mentord_bin, "-c", self.env.config, "--now",
                                  "2026-03-30T08:59:55", "run"], stdout=subprocess.DEVNULL, stderr=log)
        try:
            start = time.monotonic()
            while self.checkins() < 2 and time.monotonic() - start < 30:
                time.sleep(0.1)
            took = time.monotonic() - start
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(10)
        print(f"\n  check-in due 5 s after start: sent after {took:.1f} s")
        self.assertEqual(self.checkins(), 2, open(log_path).read())
        self.assertGreater(took, 4.0)
        self.assertLess(took, 12.0)
