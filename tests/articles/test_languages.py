"""Articles in scripts with and without spaces, left to right and right to left: paste, upload, comparison.

Each pair is one fictional report and its reprint with one number changed (ten minutes became
fifteen). The texts are ours, written for these tests.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Story
from compare import services

pytestmark = pytest.mark.django_db

LANGUAGES = {
    "Chinese": (
        "港口的旋转桥周二因电机故障一直开着。市议会说，渡轮每十分钟开一班。工程师预计周四晚上装好备用电机。",
        "港口的旋转桥周二因电机故障一直开着。市议会说，渡轮每十五分钟开一班。工程师预计周四晚上装好备用电机。",
        "五",
    ),
    "Japanese": (
        "港の旋回橋は火曜日、モーターの故障で開いたままになった。市議会によると、フェリーは十分ごとに運航する。"
        "技術者は木曜日の夜までに予備のモーターを取り付ける予定だ。",
        "港の旋回橋は火曜日、モーターの故障で開いたままになった。市議会によると、フェリーは十五分ごとに運航する。"
        "技術者は木曜日の夜までに予備のモーターを取り付ける予定だ。",
        "五",
    ),
    "Thai": (
        "สะพานหมุนที่ท่าเรือยังคงเปิดค้างอยู่ในวันอังคารหลังจากมอเตอร์เสีย "
        "สภาเมืองกล่าวว่าเรือข้ามฟากจะวิ่งทุกสิบนาที "
        "วิศวกรคาดว่าจะติดตั้งมอเตอร์สำรองภายในเย็นวันพฤหัสบดี",
        "สะพานหมุนที่ท่าเรือยังคงเปิดค้างอยู่ในวันอังคารหลังจากมอเตอร์เสีย "
        "สภาเมืองกล่าวว่าเรือข้ามฟากจะวิ่งทุกสิบห้านาที "
        "วิศวกรคาดว่าจะติดตั้งมอเตอร์สำรองภายในเย็นวันพฤหัสบดี",
        "ห้า",
    ),
    "Arabic": (
        "بقي الجسر الدوار في الميناء مفتوحا يوم الثلاثاء بعد تعطل المحرك. "
        "وقال مجلس المدينة إن العبارة ستعمل كل عشر دقائق. "
        "ويتوقع المهندسون تركيب محرك احتياطي بحلول مساء الخميس.",
        "بقي الجسر الدوار في الميناء مفتوحا يوم الثلاثاء بعد تعطل المحرك. "
        "وقال مجلس المدينة إن العبارة ستعمل كل خمس عشرة دقيقة. "
        "ويتوقع المهندسون تركيب محرك احتياطي بحلول مساء الخميس.",
        "خمس",
    ),
    "Hebrew": (
        "גשר הסיבוב בנמל נשאר פתוח ביום שלישי לאחר שהמנוע התקלקל. "
        "מועצת העיר אמרה שהמעבורת תפעל כל עשר דקות. "
        "המהנדסים מצפים להתקין מנוע חלופי עד יום חמישי בערב.",
        "גשר הסיבוב בנמל נשאר פתוח ביום שלישי לאחר שהמנוע התקלקל. "
        "מועצת העיר אמרה שהמעבורת תפעל כל חמש עשרה דקות. "
        "המהנדסים מצפים להתקין מנוע חלופי עד יום חמישי בערב.",
        "חמש",
    ),
}


@pytest.fixture
def teacher(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("teacher"))
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_article_is_pasted_uploaded_and_compared_in(language, teacher):
    original, reprint, new_words = LANGUAGES[language]
    upload = SimpleUploadedFile("reprint.txt", reprint.encode("utf-8"))
    response = teacher.post(
        reverse("articles:story_new"),
        {"title": f"Bridge ({language})", "text": original, "outlet": "Wire", "files": [upload]},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    story = Story.objects.get(title=f"Bridge ({language})")
    wire, copy = story.versions.order_by("position")
    assert wire.text == original and copy.text == reprint
    assert copy.headline  # named by its first line, cut to a headline's length, not by "reprint.txt"

    stored = services.get_or_compute(story)
    assert stored.status == "done"
    html = teacher.get(story.get_absolute_url(), {"base": wire.pk}).content.decode()
    # The unchanged sentences are paired verbatim; the changed number is marked as new words.
    inserted = "".join(re.findall(r'<ins class="chg (?:rep|ins)[^"]*"[^>]*>([^<]*)</ins>', html))
    assert new_words in inserted, inserted
    assert not re.search(r'class="passage[^"]*\bunique\b', html)  # every sentence found its counterpart


@pytest.mark.parametrize("language", ["Chinese", "Japanese", "Thai"])
def test_a_short_article_in_a_script_without_spaces_is_not_refused_as_too_few_words(language, teacher):
    one_sentence = LANGUAGES[language][0].split("。")[0].split(" ")[0]
    response = teacher.post(reverse("articles:story_new"), {"title": "Short", "text": one_sentence})
    assert response.status_code == 302
    assert Story.objects.get(title="Short").versions.get().text == one_sentence


def test_a_few_characters_are_still_too_short_in_any_script(teacher):
    response = teacher.post(reverse("articles:story_new"), {"title": "Tiny", "text": "港口的桥"})
    assert response.status_code == 400
    assert "fewer than three words (or ten characters" in response.content.decode()


def test_the_length_of_a_version_is_said_in_characters_for_chinese(teacher):
    original, reprint, _ = LANGUAGES["Chinese"]
    teacher.post(reverse("articles:story_new"), {"title": "Bridge", "text": original})
    article = Story.objects.get(title="Bridge").versions.get()
    assert article.length_in_words() == "45 characters"  # the ideographs; the stops and commas are not counted


def test_the_html_report_gives_a_chinese_versions_length_in_characters(teacher):
    original, reprint, _ = LANGUAGES["Chinese"]
    upload = SimpleUploadedFile("reprint.txt", reprint.encode("utf-8"))
    teacher.post(reverse("articles:story_new"), {"title": "Bridge", "text": original, "files": [upload]})
    story = Story.objects.get(title="Bridge")
    services.get_or_compute(story)
    report = teacher.get(reverse("compare:export_html", args=[story.slug])).content.decode()
    assert "<td>45 characters</td>" in report and "<td>46 characters</td>" in report
