# The seeds of each fuzz target (folders; every file below is read), for
# tests/fuzz/fuzz.mk and for the replays of `make unit` (tests/fuzz/replay.c),
# which also read the reproducers kept in tests/fuzz/regress/TARGET.
SEEDS_mime = tests/corpus tests/fixtures/mime
SEEDS_form = tests/fixtures/form tests/corpus/email-reply-parser tests/corpus/talon
SEEDS_command = tests/fuzz/seeds/command
SEEDS_ical = tests/fixtures/ical tests/corpus/icalendar tests/corpus/ical4j tests/corpus/libical \
	     tests/corpus/ccs-calendarserver/ical
SEEDS_dsn = tests/corpus/sisimai tests/corpus/flanker/bounces tests/corpus/cpython/bounces \
	    tests/corpus/ruby-mail/bounces tests/corpus/ccs-calendarserver/bounces \
	    tests/corpus/bounceparser
SEEDS_html = tests/corpus/ruby-mail/mime tests/corpus/cpython/mime tests/corpus/flanker/mime \
	     tests/fixtures/mime
SEEDS_config = tests/fuzz/seeds/config doc/mentord.conf.example
SEEDS_json = tests/fixtures/json
SEEDS_address = tests/fuzz/seeds/address
SEEDS_auth = tests/fuzz/seeds/auth
SEEDS_words = tests/fuzz/seeds/words
SEEDS_imap_answer = tests/fuzz/seeds/imap_answer
SEEDS_choice = tests/fuzz/seeds/choice
SEEDS_oauth2_query = tests/fuzz/seeds/oauth2_query
