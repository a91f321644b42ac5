"""The mentor: explanations, hints, feedback, practice and "can I move on?", per skill.

Answer isolation is built before any provider sees anything (`prompt`): while an item is open
its key, model answer and explanation are never put in the prompt, passages containing its key
are withheld from retrieval, sentences leading the word or meaning reader to it are withheld too
(`context`), and during a check of the skill the mentor declines to discuss it at all. The
finished reply is checked once more for a giveaway (`replies`). Learner text is passed as data.

`provider` picks who answers and keeps the daily budget; `feedback` says what the grader found
and climbs the hint ladder; `conversations` keeps the exchanges; `newcomer` answers as a
throwaway learner would see it.
"""
