"""A labelled set for campaign detection: circulated texts with the edits people make, and
distinct comments on the same subjects in the same words, so a loose matcher is caught."""

from __future__ import annotations

import random

CAMPAIGNS = [
    "Đề nghị ưu tiên đầu tư hạ tầng giao thông nông thôn. Nhiều tuyến đường liên xã đã xuống cấp nghiêm trọng. Cần bố trí vốn để nâng cấp trong giai đoạn 2021-2025.",
    "Chúng tôi không đồng ý việc sáp nhập trường tiểu học của xã. Học sinh sẽ phải đi xa hơn năm cây số. Đề nghị giữ nguyên điểm trường hiện nay.",
    "Đề nghị bổ sung chỉ tiêu về tỷ lệ che phủ rừng. Dự thảo chưa nêu rõ diện tích rừng phòng hộ đầu nguồn. Cần có giải pháp bảo vệ rừng cụ thể.",
    "Báo cáo cần đánh giá đầy đủ hơn tình trạng ô nhiễm nguồn nước sông Cầu. Các khu công nghiệp xả thải chưa qua xử lý. Đề nghị tăng cường thanh tra, kiểm tra.",
    "Đề nghị tăng mức hỗ trợ cho hộ nghèo và cận nghèo. Mức hỗ trợ hiện nay không đủ chi phí sinh hoạt tối thiểu. Cần điều chỉnh theo giá cả thị trường.",
    "Tôi đề nghị xây dựng thêm bệnh viện tuyến huyện. Người dân phải lên tỉnh khám bệnh rất vất vả. Bệnh viện tỉnh luôn quá tải.",
    "Cần quy định rõ trách nhiệm người đứng đầu trong cải cách thủ tục hành chính. Nhiều thủ tục vẫn còn rườm rà, kéo dài thời gian. Đề nghị công khai kết quả giải quyết hồ sơ.",
    "Đề nghị không thu hồi đất nông nghiệp để làm sân golf. Nông dân mất đất sản xuất sẽ không có việc làm. Cần ưu tiên đất cho sản xuất lương thực.",
]

DISTINCT = [
    "Đề nghị ưu tiên vốn cho giao thông đô thị, nhất là các nút giao thường xuyên ùn tắc ở thành phố.",
    "Hạ tầng giao thông nông thôn đã được đầu tư khá tốt, nay nên chuyển vốn sang thủy lợi.",
    "Tôi đồng ý sáp nhập các điểm trường lẻ để tập trung giáo viên giỏi và cơ sở vật chất.",
    "Đề nghị giữ nguyên tên xã sau khi sắp xếp đơn vị hành chính.",
    "Tỷ lệ che phủ rừng trong dự thảo là hợp lý, nhưng cần nói rõ nguồn kinh phí trồng rừng thay thế.",
    "Cần đánh giá tác động của biến đổi khí hậu tới vùng ven biển và các giải pháp phòng chống sạt lở.",
    "Ô nhiễm không khí tại các làng nghề tái chế chưa được nêu trong báo cáo.",
    "Đề nghị thanh tra việc sử dụng vốn hỗ trợ hộ nghèo tại một số xã vùng cao.",
    "Mức hỗ trợ học bổng cho học sinh dân tộc thiểu số nên tăng gấp đôi.",
    "Bệnh viện tỉnh cần thêm bác sĩ chuyên khoa nhi và sản.",
    "Đề nghị đẩy mạnh dịch vụ công trực tuyến mức độ 4 cho toàn bộ thủ tục đất đai.",
    "Việc thu hồi đất để làm khu công nghiệp cần bồi thường thỏa đáng và công khai.",
    "Đồng ý với dự thảo.",
    "Nhất trí với các chỉ tiêu của dự thảo, không có ý kiến thêm.",
    "Đề nghị bổ sung chỉ tiêu về số bác sĩ trên một vạn dân.",
    "Cần có chính sách thu hút nhà đầu tư vào nông nghiệp công nghệ cao.",
    "Đề nghị làm rõ nguồn vốn cho chương trình xây dựng nông thôn mới nâng cao.",
    "Tình trạng học sinh bỏ học ở vùng sâu vẫn cao, báo cáo chưa phân tích nguyên nhân.",
    "Đề nghị xây dựng thêm nhà văn hóa thôn và sân chơi cho trẻ em.",
    "Cần kiểm soát chặt việc khai thác cát trái phép trên sông.",
    "Báo cáo nên có bảng so sánh kết quả với nhiệm kỳ trước.",
    "Đề nghị tăng cường phòng cháy chữa cháy rừng vào mùa khô.",
    "Xử lý nghiêm cán bộ gây phiền hà cho dân khi làm thủ tục hành chính.",
    "Cần quan tâm hơn đến người cao tuổi neo đơn và trẻ em mồ côi.",
]

GREETINGS = ["Kính gửi Ban soạn thảo,", "Kính gửi Quý cơ quan!", "Xin chào,", "Kính thưa Hội đồng,"]
CLOSINGS = ["Trân trọng cảm ơn.", "Xin cảm ơn!", "Trân trọng.", "Rất mong được tiếp thu."]
SWAPS = [("Đề nghị", "Kiến nghị"), ("Cần", "Phải"), ("rất", "vô cùng"), ("nhiều", "không ít")]


def _sentences(text: str) -> list[str]:
    return [s.strip() + "." for s in text.split(".") if s.strip()]


def variant(text: str, rng: random.Random) -> str:
    """One copy as a supporter sends it: greeting, closing, reordering, a word or two changed."""
    sentences = _sentences(text)
    if rng.random() < 0.5:
        rng.shuffle(sentences)
    body = " ".join(sentences)
    for old, new in SWAPS:
        if old in body and rng.random() < 0.4:
            body = body.replace(old, new, 1)
    words = body.split()
    if rng.random() < 0.4 and len(words) > 12:
        del words[rng.randrange(len(words))]
    body = " ".join(words)
    if rng.random() < 0.6:
        body = f"{rng.choice(GREETINGS)} {body}"
    if rng.random() < 0.6:
        body = f"{body} {rng.choice(CLOSINGS)}"
    if rng.random() < 0.2:
        body = body.lower()
    return body


def labelled_set(copies: int = 15, seed: int = 13) -> list[tuple[str, str]]:
    """(label, text) pairs: copies of each campaign share a label; distinct comments do not."""
    rng = random.Random(seed)
    items = [(f"c{i}", variant(t, rng)) for i, t in enumerate(CAMPAIGNS) for _ in range(copies)]
    items += [(f"d{i}", t) for i, t in enumerate(DISTINCT)]
    rng.shuffle(items)
    return items


def pair_scores(labels: list[str], clusters: list[str]) -> tuple[float, float]:
    """Pairwise precision and recall of predicted clusters against the labels."""
    tp = fp = fn = 0
    n = len(labels)
    for i in range(n):
        for j in range(i + 1, n):
            same_label, same_cluster = labels[i] == labels[j], clusters[i] == clusters[j]
            tp += same_label and same_cluster
            fp += same_cluster and not same_label
            fn += same_label and not same_cluster
    return tp / ((tp + fp) or 1), tp / ((tp + fn) or 1)
