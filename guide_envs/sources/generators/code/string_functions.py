"""String function-writing tasks: ``Write a Python function reverse_words(text: str) -> str ...``.

Difficulty 1: reverse the words, count vowels, exact palindromes. 2: Caesar shift by a small
positive amount, the longest word, capitalising words. 3: Caesar shifts of any sign and size,
palindromes ignoring case and punctuation, anagrams; empty strings among the tests. 4: run-length
encoding, the most common character. 5: run-length decoding with multi-digit counts, plus the
level-4 kinds on longer inputs. Every level adds hidden tests.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

from guide_envs.sources.generators.base import Draft, Family
from guide_envs.sources.generators.code import FunctionTask, function_draft, reference_function

__all__ = ["FAMILY"]

_WORDS = ("apple", "river", "stone", "cloud", "tiger", "lemon", "orbit", "piano", "quiet",
          "amber", "delta", "eagle", "forest", "garden", "harbor", "island", "jungle", "kettle",
          "ladder", "meadow", "number", "ocean", "pepper", "rocket", "silver", "tunnel", "umbra",
          "velvet", "window", "yellow", "zephyr", "a", "an", "to", "go", "sky", "owl", "ink")
_PALINDROMES = ("level", "racecar", "noon", "refer", "madam", "rotor", "civic", "kayak", "stats",
                "deed", "tenet", "wow", "a", "abba", "xyzzyx", "step on no pets")


def _cases(difficulty: int) -> int:
    """How many calls the tests make (the first is the prompt's example)."""
    return 2 + difficulty


def _sentence(rng: random.Random, difficulty: int, capitals: bool = False) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(1, 2 + 2 * difficulty))]
    if capitals:
        words = [w.capitalize() if rng.random() < 0.4 else w for w in words]
    return " ".join(words)


def _with_empty(rng: random.Random, difficulty: int, texts: list[str]) -> tuple[tuple[str], ...]:
    """One-argument cases from ``texts``; from level 3 an empty string among the hidden ones."""
    if difficulty >= 3:
        texts.insert(rng.randint(1, len(texts)), "")
    return tuple((t,) for t in texts)


_REVERSE_WORDS = '''def {name}(text):
    return " ".join(reversed(text.split()))
'''


def _reverse_words(rng: random.Random, difficulty: int) -> FunctionTask:
    name = rng.choice(("reverse_words", "reverse_word_order"))
    texts = [_sentence(rng, difficulty, capitals=True) for _ in range(_cases(difficulty))]
    texts[0] = " ".join(rng.sample(_WORDS[:30], 3))
    if difficulty >= 2:
        texts[-1] = "  " + texts[-1].replace(" ", "   ") + " "
    return FunctionTask(
        "reverse_words", name, "(text: str) -> str",
        "returns the words of `text` in reverse order, joined by single spaces (words are "
        "separated by runs of whitespace; leading and trailing whitespace is dropped).",
        _REVERSE_WORDS.replace("{name}", name), _with_empty(rng, difficulty, texts),
        "Split on whitespace, which also drops empty pieces, reverse the list and join it.",
        "Break the text into a list of words first; the order of a list is easy to reverse, "
        "and splitting without an argument takes care of repeated spaces.")


_COUNT_VOWELS = '''def {name}(text):
    return sum(1 for ch in text.lower() if ch in "aeiou")
'''


def _count_vowels(rng: random.Random, difficulty: int) -> FunctionTask:
    name = rng.choice(("count_vowels", "vowel_count"))
    texts = [_sentence(rng, difficulty, capitals=True) for _ in range(_cases(difficulty))]
    texts[-1] = rng.choice(("rhythm", "xyz", "BCD fgh"))
    return FunctionTask(
        "count_vowels", name, "(text: str) -> int",
        "returns how many vowels (a, e, i, o, u, in either case) `text` contains.",
        _COUNT_VOWELS.replace("{name}", name), _with_empty(rng, difficulty, texts),
        "Lower-case the text once, then count the characters that belong to the vowel set.",
        "Go through the characters one by one and count those that are vowels; treat upper "
        "and lower case the same.")


_PALINDROME_EXACT = '''def {name}(text):
    return text == text[::-1]
'''
_PALINDROME_LOOSE = '''def {name}(text):
    kept = [ch.lower() for ch in text if ch.isalnum()]
    return kept == kept[::-1]
'''


def _palindrome_text(rng: random.Random, loose: bool) -> str:
    text = rng.choice(_PALINDROMES)
    if loose:
        text = rng.choice(("A man, a plan, a canal: Panama", "Was it a car or a cat I saw?",
                           "No 'x' in Nixon", text.capitalize() + "!", "Never odd or even."))
    return text


def _is_palindrome(rng: random.Random, difficulty: int) -> FunctionTask:
    name = rng.choice(("is_palindrome", "reads_same_backwards"))
    loose = difficulty >= 3
    texts = [rng.choice(_WORDS) if i % 2 else _palindrome_text(rng, loose and i % 4 == 0)
             for i in range(_cases(difficulty))]
    texts[-1] = rng.choice(("Noon", "Abba", "Level")) if loose else rng.choice(("ab", "abca"))
    rule, source = ("ignoring case and every character that is not a letter or a digit",
                    _PALINDROME_LOOSE) if loose else ("exactly, character by character",
                                                      _PALINDROME_EXACT)
    return FunctionTask(
        "is_palindrome", name, "(text: str) -> bool",
        f"returns whether `text` reads the same forwards and backwards, compared {rule}.",
        source.replace("{name}", name), _with_empty(rng, difficulty, texts),
        "Compare the (normalised) sequence of characters with its reverse.",
        "A palindrome equals its own reversal; decide first which characters take part in the "
        "comparison.")


_CAESAR = '''def {name}(text, shift):
    out = []
    for ch in text:
        if ch.isascii() and ch.isalpha():
            base = ord("a") if ch.islower() else ord("A")
            out.append(chr(base + (ord(ch) - base + shift) % 26))
        else:
            out.append(ch)
    return "".join(out)
'''


def _caesar_shift(rng: random.Random, difficulty: int) -> FunctionTask:
    name = rng.choice(("caesar_shift", "caesar_encode"))
    low, high = (1, 5) if difficulty <= 2 else (-60, 60)
    cases = [(_sentence(rng, difficulty, capitals=True) + rng.choice(("", "!", ", ok?", " 42")),
              rng.randint(low, high)) for _ in range(_cases(difficulty))]
    if difficulty >= 3:
        cases.insert(rng.randint(1, len(cases)), ("", rng.randint(1, 25)))
        cases.append(("Zebra-xyz", rng.choice((-27, 26, 53))))
    return FunctionTask(
        "caesar_shift", name, "(text: str, shift: int) -> str",
        "shifts every ASCII letter of `text` by `shift` places in the alphabet, wrapping from z "
        "to a (a negative shift moves backwards), keeps each letter's case and leaves every "
        "other character unchanged.",
        _CAESAR.replace("{name}", name), tuple(cases),
        "Map each letter to its position 0-25 from 'a' or 'A', add the shift modulo 26 and map "
        "back; other characters pass through.",
        "Work letter by letter: turn a letter into its index in the alphabet, add the shift, and "
        "use the remainder modulo 26 so that the alphabet wraps around in both directions.")


_LONGEST_WORD = '''def {name}(text):
    best = ""
    for word in text.split():
        if len(word) > len(best):
            best = word
    return best
'''


def _longest_word(rng: random.Random, difficulty: int) -> FunctionTask:
    name = rng.choice(("longest_word", "find_longest_word"))
    texts = [_sentence(rng, difficulty) for _ in range(_cases(difficulty))]
    texts[-1] = rng.choice(("cat dog owl", "sun sky ink", "tree lake"))
    return FunctionTask(
        "longest_word", name, "(text: str) -> str",
        "returns the longest whitespace-separated word of `text`; among words of equal length "
        "the first one wins, and a text without words gives the empty string.",
        _LONGEST_WORD.replace("{name}", name), _with_empty(rng, difficulty, texts),
        "Keep the best word so far and replace it only by a strictly longer one, so ties keep "
        "the earlier word.",
        "Scan the words once, remembering the longest seen so far; think about what a tie "
        "should do.")


_CAPITALIZE = '''def {name}(text):
    return " ".join(word[0].upper() + word[1:].lower() for word in text.split())
'''


def _capitalize_words(rng: random.Random, difficulty: int) -> FunctionTask:
    name = rng.choice(("capitalize_words", "title_words"))
    texts = [_sentence(rng, difficulty, capitals=True).upper() if i % 2
             else _sentence(rng, difficulty) for i in range(_cases(difficulty))]
    return FunctionTask(
        "capitalize_words", name, "(text: str) -> str",
        "returns the words of `text` joined by single spaces, each with its first character in "
        "upper case and the rest in lower case.",
        _CAPITALIZE.replace("{name}", name), _with_empty(rng, difficulty, texts),
        "Split into words, fix the case of each word's first character and of the rest, and "
        "join.",
        "Treat each word separately: its first character and the remainder need different case "
        "changes.")


_ANAGRAM = '''def {name}(first, second):
    def letters(text):
        return sorted(ch.lower() for ch in text if ch != " ")
    return letters(first) == letters(second)
'''


def _is_anagram(rng: random.Random, difficulty: int) -> FunctionTask:
    name = rng.choice(("is_anagram", "are_anagrams"))
    cases = []
    for i in range(_cases(difficulty)):
        word = "".join(rng.sample(_WORDS[:31], 2))
        letters = list(word)
        rng.shuffle(letters)
        other = "".join(letters).upper() if i % 3 == 2 else "".join(letters)
        if i % 2:
            other = other[:-1] + rng.choice("qjxz")
        cases.append((word, other))
    cases.append(("dormitory", "dirty room"))
    return FunctionTask(
        "is_anagram", name, "(first: str, second: str) -> bool",
        "returns whether `first` and `second` are anagrams: they use the same letters the same "
        "number of times, ignoring case and spaces.",
        _ANAGRAM.replace("{name}", name), tuple(cases),
        "Normalise both strings (lower case, no spaces) and compare their sorted characters.",
        "Two strings are anagrams when their multisets of characters agree; sorting or counting "
        "the characters makes that comparison easy.")


_RLE = '''def {name}(text):
    out = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        out.append(text[i] + str(j - i))
        i = j
    return "".join(out)
'''


def _runs(rng: random.Random, difficulty: int, max_run: int) -> str:
    return "".join(rng.choice("abcxyz") * rng.randint(1, max_run)
                   for _ in range(rng.randint(1, 2 + difficulty)))


def _run_length_encode(rng: random.Random, difficulty: int) -> FunctionTask:
    name = rng.choice(("run_length_encode", "rle_encode"))
    texts = [_runs(rng, difficulty, 4 if difficulty < 5 else 14) for _ in range(_cases(difficulty))]
    texts[-1] = rng.choice(("abc", "q", "aabbaa"))
    return FunctionTask(
        "run_length_encode", name, "(text: str) -> str",
        "run-length encodes `text`: each maximal run of one repeated character becomes the "
        "character followed by the run's length, so `\"aaab\"` becomes `\"a3b1\"`.",
        _RLE.replace("{name}", name), _with_empty(rng, difficulty, texts),
        "Walk the text with two indices: the second one advances while the character repeats, "
        "and each run adds its character and length to the output.",
        "Find where each run of equal characters ends; a run is finished when the next "
        "character differs or the text ends. Remember that a lone character is a run of one.")


_RLD = '''def {name}(encoded):
    out = []
    i = 0
    while i < len(encoded):
        ch = encoded[i]
        j = i + 1
        while j < len(encoded) and encoded[j].isdigit():
            j += 1
        out.append(ch * int(encoded[i + 1:j]))
        i = j
    return "".join(out)
'''


def _run_length_decode(rng: random.Random, difficulty: int) -> FunctionTask:
    name = rng.choice(("run_length_decode", "rle_decode"))
    encode = reference_function(_RLE.replace("{name}", "encode"), "encode")  # valid inputs
    texts = [encode(_runs(rng, difficulty, 13)) for _ in range(_cases(difficulty))]
    return FunctionTask(
        "run_length_decode", name, "(encoded: str) -> str",
        "decodes a run-length encoding: `encoded` is a sequence of letters, each followed by a "
        "decimal count of one or more digits, and the result repeats each letter that many "
        "times, so `\"a3b12\"` decodes to three a's followed by twelve b's.",
        _RLD.replace("{name}", name), _with_empty(rng, difficulty, texts),
        "Read one letter, then every digit after it as the count, and repeat the letter.",
        "Counts can have several digits: after reading a letter, keep reading while the "
        "characters are digits, then convert them to one number.")


_MOST_COMMON = '''def {name}(text):
    counts = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    best = ""
    for ch in text:
        if best == "" or counts[ch] > counts[best]:
            best = ch
    return best
'''


def _most_common_char(rng: random.Random, difficulty: int) -> FunctionTask:
    name = rng.choice(("most_common_char", "most_frequent_char"))
    pool = string.ascii_lowercase[:3 + difficulty] + " "
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(3, 6 * difficulty)))
             for _ in range(_cases(difficulty))]
    texts[-1] = rng.choice(("abab", "xyzzyx", "baab"))
    return FunctionTask(
        "most_common_char", name, "(text: str) -> str",
        "returns the character (spaces count too) that occurs most often in `text`; on a tie, "
        "the one whose first occurrence comes first; for an empty text, the empty string.",
        _MOST_COMMON.replace("{name}", name), _with_empty(rng, difficulty, texts),
        "Count every character, then scan the text in order and keep a character only when its "
        "count is strictly larger, so ties go to the earliest one.",
        "Count the occurrences first (a dictionary works), then pick the winner by walking the "
        "text from the start, which settles ties.")


_Maker = Callable[[random.Random, int], FunctionTask]

#: The task kinds of each level.
_LEVELS: dict[int, tuple[_Maker, ...]] = {
    1: (_reverse_words, _count_vowels, _is_palindrome),
    2: (_caesar_shift, _longest_word, _capitalize_words, _reverse_words),
    3: (_caesar_shift, _is_palindrome, _is_anagram, _longest_word),
    4: (_run_length_encode, _most_common_char, _is_anagram),
    5: (_run_length_decode, _run_length_encode, _most_common_char, _caesar_shift),
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """Generate one string function-writing task at ``difficulty`` (1-5).

    >>> draft = generate(random.Random(0), 1)
    >>> draft.answer is None, draft.tests[0].startswith("assert ")
    (True, True)
    """
    return function_draft(rng.choice(_LEVELS[difficulty])(rng, difficulty))


FAMILY = Family("string_functions", generate,
                "write string functions: reversing words, ciphers, palindromes, run-length codes",
                domain="code")
