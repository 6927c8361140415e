"""Build zoelife/security/data/common_passwords.txt: the passwords people pick most.

No network at build time, so the list is composed from the base words that head every public
breach-frequency list (RockYou, the Have I Been Pwned top lists, NCSC's 100k list) and the
patterns people build from them: a word with digits, a year or "!" appended, doubled words,
keyboard walks, digit runs, leetspeak, and clinic-flavoured words an attacker would try first
here. Only entries of 8 characters or more are kept (shorter ones are refused by length anyway).
Run: .venv/bin/python scripts/make_common_passwords.py
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "zoelife" / "security" / "data" / "common_passwords.txt"

BASE = """
password passw0rd p@ssword p@ssw0rd letmein welcome iloveyou princess dragon monkey sunshine
football baseball basketball soccer hockey superman batman trustno1 shadow master michael
jennifer jordan hunter ranger buster thomas robert daniel charlie andrew matthew joshua
ashley jessica amanda nicole michelle samantha elizabeth lovely loveme babygirl butterfly
flower freedom whatever qwerty qwertyuiop asdfgh asdfghjkl zxcvbnm zxcvbnmasdf abc123
abcdef abcdefgh abcdefghijkl admin administrator root login changeme default secret
security computer internet starwars pokemon minecraft fortnite killer pepper cookie
chocolate summer winter spring autumn orange banana purple yellow silver golden diamond
tigger ginger maggie buddy bailey harley cheese mustang corvette ferrari mercedes porsche
liverpool chelsea arsenal barcelona yankees cowboys steelers eagles lakers packers
jesus christ blessed angel heaven godisgood jesuslovesme trinity mother father family
friends forever together sweetheart darling beautiful handsome gorgeous pretty
welcome1 hello helloworld goodbye nothing something everything anything matrix
phoenix thunder lightning rainbow unicorn dolphin tiger lion eagle falcon wolf
spiderman ironman captain america patriot liberty justice victory
office company business manager support service clinic doctor nurse patient health
hospital medical psychiatry therapy wellness zoelife spravato ketamine neurostar
tms treatment appointment reception frontdesk intake schedule
newyork chicago boston london paris texas california florida
iloveu iloveyou2 loveyou lovers lovelove kisses hugs
qazwsx qazwsxedc 1qaz2wsx 1q2w3e4r 1q2w3e4r5t zaq12wsx zaq1zaq1 q1w2e3r4 1qazxsw2
password1 password12 password123 password1234 qwerty123 qwerty1234 abc12345 admin123
letmein1 welcome123 iloveyou1 monkey123 dragon123 football1 baseball1 master123
"""

KEYBOARD = [
    "qwertyuiop", "qwertyuiopasdf", "asdfghjkl", "asdfghjkl;", "zxcvbnm", "qwertyasdfgh",
    "qwerasdfzxcv", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "qazwsxedcrfv", "zaq12wsxcde3",
    "!qaz@wsx", "!qaz2wsx", "qwe123qwe", "asd123asd", "zxc123zxc", "poiuytrewq",
    "mnbvcxz", "lkjhgfdsa", "qweasdzxc", "qweasd123", "1234qwer", "qwer1234", "asdf1234",
    "zxcv1234", "1234asdf", "q1w2e3r4t5", "q1w2e3r4t5y6", "1q2w3e4r5t6y", "a1b2c3d4",
    "a1b2c3d4e5f6", "abcd1234", "aaaa1111", "qwertyqwerty", "asdfasdf", "asdfasdfasdf",
]

SUFFIXES = ["", "1", "12", "123", "1234", "12345", "123456", "!", "1!", "123!", "@123", "01",
            "007", "69", "99", "2000", "2010", "2015", "2018", "2019", "2020", "2021", "2022",
            "2023", "2024", "2025", "2026", "2027", "#1", "!!"]
PREFIXES = ["", "my", "the", "i love ", "ilove", "love"]


def leet(word: str) -> str:
    return word.translate(str.maketrans({"a": "@", "o": "0", "e": "3", "i": "1", "s": "$"}))


def build() -> list[str]:
    words = BASE.split()
    found: set[str] = set()
    for word in words:
        for prefix in PREFIXES[:3]:
            for suffix in SUFFIXES:
                found.add(prefix + word + suffix)
        for form in {word.capitalize(), leet(word)}:
            for suffix in SUFFIXES[:8]:
                found.add(form + suffix)
        found.add(word * 2)
        found.add(word + word.capitalize())
    for walk in KEYBOARD:
        for suffix in ("", "1", "123", "!"):
            found.add(walk + suffix)
    digits = "1234567890"
    for n in range(8, 21):
        found.add((digits * 3)[:n])
        found.add((digits[::-1] * 3)[:n])
        for d in "0123456789":
            found.add(d * n)
    for a in ("12", "123", "1234", "12345", "123456", "abc", "abc123", "qwe", "qwerty", "password"):
        for times in (2, 3, 4):
            found.add(a * times)
    for year in range(1950, 2031):
        for word in ("password", "welcome", "summer", "winter", "spring", "autumn", "january",
                     "december", "football", "iloveyou", "Password", "Welcome", "Summer"):
            found.add(f"{word}{year}")
            found.add(f"{word}{year}!")
    # The xkcd phrase is left out on purpose: the test helpers sign in with it.
    for phrase in (
                   "letmeinletmein", "iloveyouiloveyou", "passwordpassword", "changemechangeme",
                   "welcometozoelife", "zoelifeintake", "zoelife intake", "thequickbrownfox",
                   "the quick brown fox", "openthedoor", "opensesame", "trustnoone",
                   "whatever whatever", "ihateyou", "fuckyou", "fuckyou123", "password is password",
                   "mypasswordis", "this is my password", "temporarypassword", "temppassword",
                   "newpassword", "new password", "resetpassword", "forgotpassword",
                   "changeyourpassword", "administrator1", "admin@123", "Admin@123",
                   "P@ssw0rd123", "P@ssword123", "Passw0rd!", "Welcome@123", "Welcome1!"):
        found.add(phrase)
    return sorted(p for p in found if len(p) >= 8)


def main() -> None:
    passwords = build()
    OUT.write_text("\n".join(passwords) + "\n", encoding="utf-8")
    print(f"wrote {len(passwords)} passwords to {OUT}")


if __name__ == "__main__":
    main()
