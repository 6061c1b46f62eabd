"""Plan documents the reader tests write themselves: a county outline (第一篇 / 第一章 / 第一节 with a 专栏)
as lines with their heading levels, and writers for it as .docx (python-docx heading styles) and as a text
PDF (fpdf2 with the WenQuanYi CJK font, a running header and a "— n —" footer on every page)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.readers import UnreadableDocument, read_document

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
RUNNING_HEADER = "黔江区国民经济和社会发展第十五个五年规划纲要"

# (heading level or 0 for body text, line): a county outline laid out 篇 / 章 / 节 with a 专栏.
OUTLINE = [
    (1, "第一篇 开启社会主义现代化建设新征程"),
    (2, "第一章 发展环境"),
    (3, "第一节 发展基础"),
    (0, ("“十四五”时期，面对复杂严峻的外部环境，全区上下坚持稳中求进工作总基调，经济社会发展取得新的重大成就。"
         "地区生产总值突破300亿元，年均增长5.8%，城乡居民人均可支配收入分别达到4.2万元和1.9万元。")),
    (0, "交通区位持续改善，渝湘高铁黔江段建成通车，黔江机场完成改扩建，区域性综合交通枢纽地位更加凸显。"),
    (3, "第二节 面临形势"),
    (0, ("当前和今后一个时期，我区发展仍处于重要战略机遇期，但机遇和挑战都有新的发展变化，"
         "发展不平衡不充分问题仍然突出，产业结构不优、创新能力不强、城乡区域发展差距较大。")),
    (2, "第二章 总体要求"),
    (3, "第一节 指导思想"),
    (0, ("坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届历次全会精神，"
         "完整准确全面贯彻新发展理念，加快建设渝东南区域中心城市。")),
    (3, "第二节 主要目标"),
    (0, "到2030年，地区生产总值年均增长6%左右，城市人口突破33万人，城市建成区面积达到30平方公里。"),
    (0, "城乡居民人均可支配收入增长与经济增长基本同步，常住人口城镇化率达到60%以上。"),
    (0, "专栏1 “十五五”时期经济社会发展主要指标"),
    (0, "地区生产总值年均增长（%）  6左右  预期性"),
    (0, "研发经费投入强度（%）  1.5  预期性"),
    (1, "第二篇 构建现代化产业体系"),
    (2, "第三章 做强先进制造业"),
    (3, "第一节 壮大特色产业集群"),
    (0, ("围绕新材料、食品加工、生物医药等重点产业，实施产业链提升行动，培育一批百亿级产业集群，"
         "推动规模以上工业增加值年均增长8%以上。")),
    (0, "支持企业开展技术改造和数字化转型，到2030年规模以上工业企业数字化研发设计工具普及率达到85%。"),
    (3, "第二节 发展低空经济"),
    (0, "依托黔江机场和武陵山区通用航空资源，布局低空飞行服务站和起降点，拓展低空旅游、应急救援、物流配送等应用场景。"),
    (2, "第四章 繁荣现代服务业"),
    (3, "第一节 建设文旅融合发展示范区"),
    (0, "擦亮“中国峡谷城·武陵会客厅”城市名片，推动濯水古镇、小南海、蒲花暗河等景区提档升级，年接待游客突破3000万人次。"),
    (3, "第二节 提升商贸物流水平"),
    (0, "加快建设渝东南商贸物流中心，完善县乡村三级物流配送体系，社会消费品零售总额年均增长7%。"),
    (1, "第三篇 推进乡村全面振兴"),
    (2, "第五章 巩固拓展脱贫攻坚成果"),
    (0, "守牢不发生规模性返贫致贫底线，健全防止返贫致贫监测和帮扶机制，农村居民人均可支配收入年均增长7%左右。"),
]
OUTLINE_TEXT = "\n".join(line for _, line in OUTLINE)
OUTLINE_LEVELS = tuple((index, level) for index, (level, _) in enumerate(OUTLINE) if level)


def expect_unreadable(path: Path, *fragments: str) -> str:
    """Reading ``path`` raises UnreadableDocument whose one-line message names the file and holds each fragment."""
    with pytest.raises(UnreadableDocument) as raised:
        read_document(path)
    message = str(raised.value)
    assert message.startswith(f"{path.name}："), message
    for fragment in fragments:
        assert fragment in message, message
    assert "\n" not in message
    return message


def write_outline_docx(path: Path) -> None:
    """OUTLINE as .docx (Heading 1/2/3 styles, an empty paragraph), then two tables (one with a merged cell)
    and a closing paragraph."""
    import docx

    document = docx.Document()
    for level, line in OUTLINE:
        if level:
            document.add_heading(line, level)
        else:
            document.add_paragraph(line)
        if line.startswith("第二节 主要目标"):
            document.add_paragraph("")                # empty paragraphs are dropped
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, [("指标", "2025年", "2030年"), ("城市人口（万人）", "", "33")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "城市建成区面积（平方公里）"
    merged.cell(0, 2).text = "30"
    document.add_paragraph("附：专栏数据以统计部门发布为准。")
    document.save(path)


def pdf_class():
    """fpdf2's FPDF subclass that writes RUNNING_HEADER and "— n —" on every page (skips without fpdf2 or
    the font; the caller adds the font as "wqy")."""
    fpdf = pytest.importorskip("fpdf")
    if not CJK_FONT.exists():
        pytest.skip(f"the CJK font {CJK_FONT} is not installed (apt-get install fonts-wqy-microhei)")

    class PlanPDF(fpdf.FPDF):
        """A plan with a running header and a "— n —" footer on every page."""

        def header(self):
            self.set_font("wqy", size=9)
            self.cell(0, 8, RUNNING_HEADER, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self):
            self.set_y(-15)
            self.set_font("wqy", size=9)
            self.cell(0, 8, f"— {self.page_no()} —", align="C")

    return PlanPDF


def plain_pdf():
    """An fpdf2 FPDF without running lines, the CJK font added as "wqy" (skips as ``pdf_class`` does)."""
    pdf = pdf_class().__mro__[1]()
    pdf.add_font("wqy", fname=str(CJK_FONT), collection_font_number=0)
    return pdf


def write_outline_pdf(path: Path) -> None:
    """OUTLINE as a several-page text PDF: A5, each line a wrapped paragraph, pages breaking mid-paragraph."""
    pdf = pdf_class()(format=(148, 210))                   # A5, so that the outline takes several pages
    pdf.add_font("wqy", fname=str(CJK_FONT), collection_font_number=0)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for level, line in OUTLINE:
        pdf.set_font("wqy", size={1: 16, 2: 15, 3: 14}.get(level, 13))
        pdf.multi_cell(0, 9, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))

