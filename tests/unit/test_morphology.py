from care.deid.morphology import stems


def test_the_word_itself_comes_first() -> None:
    assert stems("מיכל")[0] == (0, "מיכל")
    assert stems("Dana") == ((0, "Dana"),)


def test_hebrew_prefix_letters_are_peeled_in_every_length() -> None:
    found = dict(stems("ולדנה"))
    assert found[1] == "לדנה"
    assert found[2] == "דנה"
    assert dict(stems("מאילת"))[1] == "אילת"
    assert dict(stems("וכשבחיפה"))[4] == "חיפה"
    assert dict(stems("ב-חיפה"))[2] == "חיפה"


def test_arabic_clitics_and_article_are_peeled() -> None:
    assert dict(stems("باللد"))[3] == "لد"
    assert dict(stems("وبالناصرة"))[4] == "ناصرة"
    assert dict(stems("للناصرة"))[2] == "ناصرة"
    assert dict(stems("ولأحمد"))[2] == "أحمد"
    assert dict(stems("فسامي"))[1] == "سامي"


def test_stems_are_never_shorter_than_two_letters() -> None:
    assert all(len(stem) >= 2 for _, stem in stems("ובל"))
