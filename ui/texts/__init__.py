"""Every sentence the interface shows, one module per screen, to be read for plain French.

Short sentences, one idea each, present tense, no jargon, no abbreviations (see UX.md).
tests/test_accessibility_texts.py reads every string of these modules: a sentence over
20 words, a word in capitals only or an abbreviation outside its short lists fails it.
Pure Python (no Qt). A screen imports the modules it speaks with, by name:
``from ui.texts import desk as desk_texts``, then ``desk_texts.CODE_TITLE``.
"""
