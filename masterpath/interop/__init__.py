"""Other tools' formats: Anki packages, GIFT and Moodle XML question banks.

Plain format work: each module reads or writes one format and returns or takes plain
dataclasses; the services decide what goes in and where it lands.
"""
