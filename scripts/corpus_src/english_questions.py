"""Source of eval/sets/english.jsonl: questions asked in English over the (Thai) demo corpus.

Users of the service also ask in English, or mix English with Thai names ("What is the
target of สสส. for …"); the reference answers and ``must_contain`` strings are Thai, as the
documents say it (B.E. years as printed, e.g. 2570 for a question about 2027). Gold pages
are located by anchors, as for the demo set (see ``qset_build.py``). Rebuild the corpus
first, then::

    .venv/bin/python scripts/corpus_src/english_questions.py   # rewrites eval/sets/english.jsonl
    .venv/bin/python scripts/check_demo_set.py
"""

from qset_build import ALC, CH, FOOD, KM, MH, PA, PM, ROAD, ROOT, SLP, TOB, QuestionBook

book = QuestionBook("en", ROOT / "eval" / "sets" / "english.jsonl", tags={"lang": "en"})
q, near = book.q, book.near

# ---------------- tobacco ----------------
q(
    [(TOB, "อัตราการสูบบุหรี่อยู่ที่ร้อยละ 16.9")],
    "What percentage of Thai adults smoked in 2024?",
    "ปี 2567 คนไทยอายุ 15 ปีขึ้นไปสูบบุหรี่ร้อยละ 16.9 หรือประมาณ 9.6 ล้านคน",
    ["16.9"],
    "year",
)
q(
    [(TOB, "ลดลงเหลือร้อยละ 15 ภายในปี 2570")],
    "What is the target of สสส. for the smoking rate by 2027?",
    "ลดอัตราการสูบบุหรี่ของคนไทยอายุ 15 ปีขึ้นไปให้เหลือร้อยละ 15 ภายในปี 2570",
    ["ร้อยละ 15", "2570"],
    "year",
)
q(
    [(TOB, "ในปี 2567 สายด่วนได้รับสายทั้งหมด 52,300 สาย")],
    "How many calls did the 1600 quitline get in 2024?",
    "52,300 สาย มีผู้ลงทะเบียนรายใหม่ 18,900 คน",
    ["52,300"],
    "number",
)
q(
    [(TOB, "ขยายเป็น 1,250 โรงเรียนใน 38 จังหวัดในปี 2567")],
    "How many schools are in the e-cigarette free schools project?",
    "1,250 โรงเรียนใน 38 จังหวัดในปี 2567 (เริ่มนำร่องปี 2565 ใน 120 โรงเรียน)",
    ["1,250"],
    "number",
)
q(
    [(TOB, "กำหนดอายุขั้นต่ำของผู้ซื้อไว้ที่ 20 ปี")],
    "whats the minimum age to buy cigarettes in thailand",
    "20 ปี ตามพระราชบัญญัติควบคุมผลิตภัณฑ์ยาสูบ พ.ศ. 2560",
    ["20 ปี"],
    "number",
)
q(
    [(TOB, "ภาคใต้มีอัตราการสูบสูงที่สุดที่ร้อยละ 21.2")],
    "Which region of Thailand has the highest smoking rate?",
    "ภาคใต้ ร้อยละ 21.2",
    ["ภาคใต้", "21.2"],
    "factoid",
)
q(
    [(TOB, "แผนควบคุมยาสูบได้รับการจัดสรรงบประมาณในปี 2567 จำนวน 285 ล้านบาท")],
    "งบประมาณของแผนควบคุมยาสูบ in 2024 was how much?",
    "285 ล้านบาท สนับสนุนภาคีกว่า 160 องค์กร",
    ["285"],
    "number",
)

# ---------------- alcohol ----------------
q(
    [(ALC, "มีร้อยละ 27.4 หรือประมาณ 15.5 ล้านคน")],
    "How many Thais drank alcohol in 2024?",
    "ร้อยละ 27.4 ของคนไทยอายุ 15 ปีขึ้นไป หรือประมาณ 15.5 ล้านคน",
    ["27.4"],
    "year",
)
q(
    [(ALC, "ในปี 2567 ช่วงเข้าพรรษาเริ่มตั้งแต่วันที่ 21 กรกฎาคม")],
    "When did Buddhist Lent 2024 start and end for the งดเหล้าเข้าพรรษา campaign?",
    "ตั้งแต่วันที่ 21 กรกฎาคม ถึงวันที่ 17 ตุลาคม 2567",
    ["21 กรกฎาคม", "17 ตุลาคม"],
    "date",
)
q(
    [(ALC, "ผู้ที่งดหรือลดการดื่มประหยัดเงินได้เฉลี่ยคนละ 4,120 บาท")],
    "How much money did people save by cutting down on alcohol during Lent?",
    "เฉลี่ยคนละ 4,120 บาท",
    ["4,120"],
    "number",
)
q(
    [(ALC, "มีผู้ลงทะเบียนเป็นคนหัวใจหินสะสม 12,800 คน")],
    "Who are the คนหัวใจหิน and how many are there?",
    "ผู้ที่งดดื่มได้ครบสามปีติดต่อกันแล้วลงทะเบียนเป็นคนหัวใจหิน จนถึงสิ้นปี 2567 มีสะสม 12,800 คน",
    ["12,800"],
    "what-is",
)
q(
    [(ALC, "เวลาที่อนุญาตให้ขายทั่วไปคือ 11.00–14.00 น. และ 17.00–24.00 น.")],
    "What hours can shops sell alcohol in Thailand?",
    "11.00–14.00 น. และ 17.00–24.00 น.",
    ["11.00", "17.00"],
    "list",
)
q(
    [(ALC, "ภาคเหนือมีสัดส่วนผู้ดื่มสูงที่สุดที่ร้อยละ 35.2")],
    "Which region drinks the most?",
    "ภาคเหนือ ร้อยละ 35.2",
    ["ภาคเหนือ", "35.2"],
    "factoid",
)

# ---------------- road safety ----------------
q(
    [(ROAD, "มีผู้เสียชีวิตจากอุบัติเหตุทางถนน 17,212 ราย")],
    "How many people died in road accidents in Thailand in 2023?",
    "ปี 2566 มีผู้เสียชีวิต 17,212 ราย คิดเป็น 26.1 ต่อประชากรแสนคน",
    ["17,212"],
    "year",
)
q(
    [(ROAD, "มีผู้เสียชีวิต 287 ราย")],
    "Songkran 2024 road deaths?",
    "ช่วงเจ็ดวันอันตราย 11–17 เมษายน 2567 มีผู้เสียชีวิต 287 ราย",
    ["287"],
    "year",
)
q(
    [(ROAD, "คิดเป็นร้อยละ 79.6 ของผู้เสียชีวิตทั้งหมด")],
    "What share of road deaths are motorcyclists?",
    "ร้อยละ 79.6",
    ["79.6"],
    "number",
)
q(
    [(ROAD, "เทศบาลนครขอนแก่นเป็นพื้นที่แรกที่ทดลองกำหนดเขตความเร็วไม่เกิน 30 กิโลเมตรต่อชั่วโมง")],
    "What speed limit did Khon Kaen set around schools?",
    "ไม่เกิน 30 กิโลเมตรต่อชั่วโมงรอบโรงเรียน 18 แห่ง",
    ["30 กิโลเมตรต่อชั่วโมง", "18 แห่ง"],
    "number",
)
q(
    [(ROAD, "จังหวัดที่ลดได้มากที่สุดคือร้อยเอ็ดซึ่งลดลงร้อยละ 22")],
    "Which pilot province cut road deaths the most?",
    "ร้อยเอ็ด ลดลงร้อยละ 22 โดยติดไฟส่องสว่างทางแยกในชุมชนและรณรงค์สวมหมวกนิรภัยในโรงเรียน",
    ["ร้อยเอ็ด"],
    "factoid",
)
q(
    [(ROAD, "ด่านชุมชนเป็นจุดตรวจที่ตั้งโดยคนในหมู่บ้าน")],
    "What is a ด่านชุมชน?",
    "จุดตรวจที่ตั้งโดยคนในหมู่บ้านร่วมกับผู้นำท้องถิ่น อาสาสมัคร และเจ้าหน้าที่ "
    "เตือนและป้องปรามคนที่ดื่มแล้วไม่ให้ขับขี่ ช่วงสงกรานต์ 2567 มี 4,900 จุด",
    ["4,900"],
    "what-is",
)

# ---------------- physical activity ----------------
q(
    [(PA, "ผู้ใหญ่ควรมีกิจกรรมทางกายระดับปานกลางอย่างน้อย 150 นาทีต่อสัปดาห์")],
    "How many minutes of exercise a week do adults need?",
    "ระดับปานกลางอย่างน้อย 150 นาทีต่อสัปดาห์ หรือระดับหนักอย่างน้อย 75 นาทีต่อสัปดาห์",
    ["150 นาที"],
    "number",
)
q(
    [(PA, "ในปี 2567 มีผู้ลงทะเบียน 1.85 ล้านคน")],
    "How many people signed up for ก้าวท้าใจ in 2024?",
    "1.85 ล้านคน และร้อยละ 62 ทำได้ตามเป้าหมาย",
    ["1.85"],
    "year",
)
q(
    [(PA, "เด็กและเยาวชนอายุ 6–17 ปีที่มีกิจกรรมทางกายเพียงพอมีเพียงร้อยละ 29.8")],
    "What percentage of Thai kids get enough physical activity?",
    "เด็กและเยาวชนอายุ 6–17 ปีมีกิจกรรมทางกายเพียงพอเพียงร้อยละ 29.8",
    ["29.8"],
    "number",
)
q(
    [(PA, "แผนงานจึงส่งเสริมแนวทาง Active Break")],
    "What is Active Break?",
    "การพักเพื่อขยับร่างกาย 5 นาทีทุก 2 ชั่วโมงสำหรับคนวัยทำงานในสำนักงาน",
    ["5 นาที"],
    "what-is",
)

# ---------------- nutrition ----------------
q(
    [(FOOD, "คำแนะนำง่าย ๆ ที่ใช้สื่อสารกับประชาชนคือสูตร 6:6:1")],
    "What does the 6:6:1 formula mean?",
    "ในหนึ่งวันไม่ควรกินน้ำตาลเกิน 6 ช้อนชา น้ำมันเกิน 6 ช้อนชา และเกลือเกิน 1 ช้อนชา",
    ["6 ช้อนชา", "1 ช้อนชา"],
    "what-is",
)
q(
    [(FOOD, "คนไทยบริโภคโซเดียมเฉลี่ยวันละ 3,420 มิลลิกรัม")],
    "How much sodium do Thai people eat per day?",
    "เฉลี่ยวันละ 3,420 มิลลิกรัม หรือประมาณ 1.7 เท่าของปริมาณที่แนะนำ",
    ["3,420"],
    "number",
)
q(
    [(FOOD, "ให้ต่ำกว่า 3,000 มิลลิกรัมต่อวันภายในปี 2570")],
    "What is the sodium target by 2027?",
    "ต่ำกว่า 3,000 มิลลิกรัมต่อวันภายในปี 2570",
    ["3,000", "2570"],
    "year",
)
q(
    [(FOOD, "ประเทศไทยเริ่มเก็บภาษีสรรพสามิตตามปริมาณน้ำตาลในเครื่องดื่มตั้งแต่วันที่ 16 กันยายน 2560")],
    "When did Thailand start the sugar tax on drinks?",
    "ตั้งแต่วันที่ 16 กันยายน 2560",
    ["16 กันยายน 2560"],
    "date",
)
q(
    [(FOOD, "มีโรงเรียนที่ผ่านเกณฑ์โรงเรียนอ่อนหวานทั้งหมด 2,700 แห่ง")],
    "How many schools passed the โรงเรียนอ่อนหวาน criteria in 2024?",
    "2,700 แห่ง",
    ["2,700"],
    "number",
)

# ---------------- mental health ----------------
q(
    [(MH, "สายด่วนสุขภาพจิต 1323 ซึ่งให้บริการตลอด 24 ชั่วโมง")],
    "What is the mental health hotline number in Thailand?",
    "สายด่วนสุขภาพจิต 1323 ให้บริการตลอด 24 ชั่วโมง",
    ["1323"],
    "factoid",
)
q(
    [(MH, "เยาวชนเป็นกลุ่มที่มีความเสี่ยงต่อภาวะซึมเศร้าสูงที่สุดถึงร้อยละ 27.1")],
    "What percentage of young people aged 15-24 are at risk of depression?",
    "ร้อยละ 27.1",
    ["27.1"],
    "number",
)
q(
    [(MH, "ที่เรียกว่า HAPPINOMETER")],
    "What is HAPPINOMETER?",
    "แบบวัดความสุขคนทำงานแบบออนไลน์ที่องค์กรในโครงการองค์กรแห่งความสุขใช้ประเมินพนักงาน รวมประมาณ 210,000 คน",
    ["HAPPINOMETER", "210,000"],
    "what-is",
)
q(
    [(MH, "โครงการครูเพื่อนใจพัฒนาครูให้มีความรอบรู้ด้านสุขภาพจิต")],
    "How many teachers were trained in the ครูเพื่อนใจ programme in 2024?",
    "3,800 คนจาก 410 โรงเรียน",
    ["3,800"],
    "number",
)
q(
    [(MH, "ให้ถึง 20,000 คนภายในปี 2570")],
    "How many community mental health first aiders do they want by 2027?",
    "20,000 คนภายในปี 2570",
    ["20,000", "2570"],
    "year",
)

# ---------------- PM2.5 ----------------
q(
    [(PM, "จาก 50 เป็น 37.5 ไมโครกรัมต่อลูกบาศก์เมตร")],
    "What is Thailand's 24-hour PM2.5 standard?",
    "37.5 ไมโครกรัมต่อลูกบาศก์เมตร (เดิม 50) มีผลตั้งแต่วันที่ 1 มิถุนายน 2566",
    ["37.5"],
    "number",
)
q(
    [(PM, "จังหวัดเชียงใหม่มีจำนวนวันที่ค่าเฉลี่ย 24 ชั่วโมงเกินมาตรฐาน 78 วัน")],
    "How many days did Chiang Mai exceed the PM2.5 standard in 2024?",
    "78 วัน ในช่วงมกราคมถึงเมษายน 2567",
    ["78"],
    "year",
)
q(
    [(PM, "หน้ากากชนิด N95 หรือหน้ากากที่มีมาตรฐานเทียบเท่า")],
    "Which mask is best against PM2.5?",
    "หน้ากากชนิด N95 หรือที่มีมาตรฐานเทียบเท่า เมื่อสวมให้แนบกับใบหน้า",
    ["N95"],
    "factoid",
)
q(
    [(PM, "ค่าใช้จ่ายรวมประมาณ 1,500 บาท")],
    "How much does a DIY air purifier cost?",
    "ประมาณ 1,500 บาท (พัดลมตั้งพื้น 16 นิ้วกับแผ่นกรองอากาศ) ลดฝุ่นในห้องได้ราวร้อยละ 70 ใน 30 นาที",
    ["1,500"],
    "number",
)

# ---------------- community health ----------------
q(
    [(CH, "ปัจจุบันมี อสม. ทั่วประเทศประมาณ 1.07 ล้านคน")],
    "What are village health volunteers (อสม.) and how many are there?",
    "อาสาสมัครสาธารณสุขประจำหมู่บ้าน คือคนในชุมชนที่ได้รับการคัดเลือกและอบรมให้เป็นผู้นำด้านสุขภาพ "
    "ในหมู่บ้านของตน ทั่วประเทศมีประมาณ 1.07 ล้านคน",
    ["1.07"],
    "what-is",
)
q(
    [(CH, "ได้รับค่าป่วยการเดือนละ 1,000 บาท")],
    "How much are village health volunteers paid per month?",
    "ค่าป่วยการเดือนละ 1,000 บาท",
    ["1,000"],
    "number",
)
q(
    [(CH, "ทุกวันที่ 20 มีนาคมเป็นวัน อสม. แห่งชาติ")],
    "When is National อสม. Day?",
    "วันที่ 20 มีนาคมของทุกปี",
    ["20 มีนาคม"],
    "date",
)

# ---------------- KM / Co-Learning Space ----------------
q(
    [(KM, "Co-Learning Space คือพื้นที่ที่คนจากหลายองค์กรและหลายภาคส่วน")],
    "What is Co-Learning Space?",
    "พื้นที่ที่คนจากหลายองค์กรและหลายภาคส่วนมาเรียนรู้ร่วมกันจากโจทย์จริงของงาน "
    "ทั้งแบบพบหน้าและออนไลน์ และทุกครั้งจบด้วยผลผลิตที่นำไปใช้ต่อได้",
    ["หลายภาคส่วน"],
    "what-is",
)
q(
    [(KM, "ที่เชียงใหม่ ขอนแก่น สงขลา และชลบุรี")],
    "Where will the regional Co-Learning Space centres open in 2025?",
    "4 แห่ง ที่เชียงใหม่ ขอนแก่น สงขลา และชลบุรี",
    ["สงขลา", "ชลบุรี"],
    "year",
)
q(
    [(KM, "มีผู้เข้าร่วม 640 คนจากองค์กรภาคี 185 องค์กร")],
    "How many people joined the Co-Learning Space forums during the 2024 pilot?",
    "640 คนจาก 185 องค์กร ในเวทีพบหน้าประจำเดือน 10 ครั้ง",
    ["640"],
    "year",
)

# ---------------- sleep ----------------
q(
    [(SLP, "ผู้ที่มีอายุ 65 ปีขึ้นไปควรนอนหลับวันละ 7–8 ชั่วโมง")],
    "How many hours should people over 65 sleep?",
    "วันละ 7–8 ชั่วโมง",
    ["8 ชั่วโมง"],
    "number",
)
q(
    [(SLP, "ประมาณ 1.5 เท่า")],
    "Do sleeping pills raise the risk of falls in older people? By how much?",
    "ใช่ ผู้สูงอายุที่ใช้ยานอนหลับเสี่ยงหกล้มสูงกว่าผู้ที่ไม่ใช้ประมาณ 1.5 เท่า",
    ["1.5"],
    "number",
)
q(
    [(SLP, "เพราะทำให้ตื่นกลางดึกและหลับไม่ลึก")],
    "Why shouldn't older people drink alcohol to help them sleep?",
    "เพราะทำให้ตื่นกลางดึกและหลับไม่ลึก",
    ["ตื่นกลางดึก"],
    "why",
)

# ---------------- near misses (unanswerable) ----------------
near(
    "What was Thailand's smoking rate in 2022?",
    "tobacco",
    "doc gives 2564 (2021) and 2567 (2024), not 2565 (2022)",
)
near(
    "How many people died on Thai roads during Songkran 2021?",
    "road_safety",
    "Songkran table has 2565–2567 (2022–2024); 2564 only as the whole-year toll",
)
near(
    "How many days did Phuket exceed the PM2.5 standard in 2024?",
    "pm25",
    "table gives Chiang Mai, Bangkok, Khon Kaen and Songkhla only",
)
near(
    "What percentage of people aged 60 and over are at risk of depression?",
    "mental_health",
    "the survey covers ages 15–59",
)
near(
    "What was the budget of the physical activity plan in 2024?",
    "physical_activity",
    "budgets are given for the tobacco, alcohol and mental-health plans only",
)
near(
    "How many hours should school-age children sleep?",
    "sleep_elderly",
    "doc gives sleep hours for people aged 65 and over only",
)
near(
    "How many users did the พื้นที่ใจ platform have in 2023?",
    "mental_health",
    "doc has 2567 (2024, 61,000 users), not 2566 (2023)",
)

# ---------------- build ----------------
book.write()
