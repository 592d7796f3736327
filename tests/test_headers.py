from rag.ingest.headers import is_page_number, strip_running_lines


def test_running_header_footer_and_page_numbers_removed():
    bodies = ["ยาสูบ", "สุรา", "ถนนปลอดภัย", "กิจกรรมทางกาย", "อาหาร", "สุขภาพจิต"]
    pages = [
        f"สสส. | รายงานประจำปี ๒๕๖๖\nบทที่ {i}\n{b}\nหน้า {i} จาก 6" for i, b in enumerate(bodies, 1)
    ]
    out = strip_running_lines(pages)
    assert all("รายงานประจำปี" not in p and "จาก 6" not in p for p in out)
    assert [p.splitlines()[-1] for p in out] == bodies


def test_lines_that_recur_on_few_pages_are_kept():
    pages = ["หัวข้อพิเศษ\nเนื้อหา ก", "หัวข้อพิเศษ\nเนื้อหา ข"] + [f"อื่น ๆ {c}\nเนื้อหา" for c in "คงจฉชซ"]
    out = strip_running_lines(pages)
    assert out[0].startswith("หัวข้อพิเศษ")


def test_page_number_shapes():
    assert is_page_number("12") and is_page_number("- ๑๒ -") and is_page_number("Page 3 of 10")
    assert not is_page_number("พ.ศ. 2566") and not is_page_number("ร้อยละ 12")
