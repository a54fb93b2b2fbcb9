"""Evidence-based markers of portal chrome and article parts (shared/vnpt-portals.md), kept apart
from the logic. Class-name hints are only hints: each is one signal among structure and text."""

from __future__ import annotations

import re

# Whole lines that are portal chrome, never article text.
CHROME_LINE = re.compile(
    r"^(?:đăng nhập|đăng ký|đăng xuất|designed by vnpt|thiết kế bởi vnpt|thống kê truy cập"
    r"|đang online|đang truy cập|hôm nay|hôm qua|trong tuần|tuần này|trong tháng|tháng này|tất cả"
    r"|tổng (?:số )?lượt truy cập|lượt truy cập"
    r")\s*:?\s*[\d.,]*$"
    r"|^(?:in bài|bản in|gửi email|gửi bài viết|chia sẻ|chia sẻ bài viết|nghe đọc bài viết|nghe bài viết"
    r"|tin liên quan|các tin khác|tin khác|tin cùng chuyên mục|bài viết liên quan|ý kiến bạn đọc"
    r"|gửi ý kiến|liên kết website|trang chủ|quay lại|về đầu trang|lên đầu trang|xem thêm"
    r"|anh tin bai|ảnh tin bài|tin mới nhất|tin mới|tin xem nhiều|chia sẻ:|tags?:?)$",
    re.I,
)
# Lines only a portal's footer carries (the unit's name as the owner, copyright, licence, the
# builder): a container holding one is the footer, never an article body, whatever its class.
FOOTER_LINE = re.compile(
    r"^(?:cơ quan chủ quản|bản quyền|copyright|©|ghi rõ nguồn|designed by|thiết kế bởi"
    r"|giấy phép (?:số|thiết lập)|chịu trách nhiệm (?:chính|nội dung)|người chịu trách nhiệm)",
    re.I,
)
# Headings that start the portal's own lists under an article: the article ends before them.
END_OF_ARTICLE = re.compile(
    r"^(?:tin liên quan|các tin khác|tin khác|tin cùng chuyên mục|bài viết liên quan|ý kiến bạn đọc"
    r"|tin đã đưa|các bài viết khác|xem tin theo ngày)\s*:?$",
    re.I,
)
ATTACHMENT_LABEL = re.compile(
    r"^(?:(?:tải về|tải file|tải xuống|file đính kèm|tệp đính kèm|tài liệu đính kèm|đính kèm|văn bản đính kèm"
    r"|download|xem file|xem chi tiết|xem văn bản)\s*:?)?$",
    re.I,
)
AUTHOR_LINE = re.compile(
    r"^(?:tác giả|người viết|bài\s*(?:và ảnh)?|tin\s*(?:và ảnh)?)\s*:\s*(.+)$", re.I
)
# A photo credit, which belongs to the photo's caption: "Ảnh: REUTERS", "(Ảnh: TTXVN)".
CREDIT_LINE = re.compile(
    r"^[(\[]?\s*(?:ảnh(?: minh h(?:ọa|oạ))?|nguồn ảnh|ảnh tư liệu|photo)\s*:\s*\S", re.I
)
PLACEHOLDER_ALT = re.compile(r"^(?:anh tin bai|ảnh tin bài|anh|image|img|ảnh)$", re.I)

# Class/id hints, matched as substrings of class and id attributes.
LEAD_HINT = re.compile(r"sapo|summary|lead|tomtat|tom-tat|description|desc|quote|trichdan", re.I)
CAPTION_HINT = re.compile(r"caption|image_desc|img-desc|chuthich|chu-thich|figcaption|desc", re.I)
AUTHOR_HINT = re.compile(r"author|tacgia|tac-gia|byline|writer|signature", re.I)
CHROME_HINT = re.compile(
    r"footer|bottom|copyright|menu|(?<![a-z])nav|sidebar|banner|header|counter|thongke|visitor"
    r"|related|lienquan|tinkhac|other-?news|comment|feedback|ykien|share|social|toolbar|tools"
    r"|breadcrumb|path-?link|audio|weblink|lienket|login|chantrang|dautrang",
    re.I,
)
CRUMB_HINT = re.compile(r"breadcrumb|crumb|path|duongdan|navigator", re.I)
