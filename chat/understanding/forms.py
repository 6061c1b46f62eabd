"""The forms of a question, in one table: the patterns ``chat.understanding.understand`` reads a question with.

Each pattern recognises how something is asked — question words, measure words, years, structure
words, instructions addressed to the assistant — never what it is about; topics are decided on the
evidence after retrieval. Kept apart from the reading logic so the table can be read (and extended)
on its own, the way a layout parser keeps its heading patterns in one place.
"""
from __future__ import annotations

import re

from ingest.text.numerals import CN_NUMERALS

from chat.understanding.query import Shape

_NUM = rf"(\d{{1,3}}|[{CN_NUMERALS}]{{1,3}})"
ARTICLE_RE = re.compile(rf"第{_NUM}条")
PART_RE = re.compile(rf"第{_NUM}(?:部分|大部分|篇|个部分)(的)?(导语)?")
PREAMBLE_RE = re.compile(r"序言|前言|开头(?:一段|那段|部分)?")
CLOSING_RE = re.compile(r"结束语|结语|结尾(?:一段|那段|部分)?|最后一段")
ASKS_CONTENT_RE = re.compile(r"讲|说|写|内容|是什么|原文|全文|具体|规定|提出|主要|什么意思|要求|关于|啥")
DOC_WORDS = r"(?:这份|这个|本|整个|该)?(?:建议|文件|规划|文件里|全文|文稿|稿子)"
LAST_ARTICLE_RE = re.compile(r"最后一条|最末一条|末尾那条|最后那条")
LAST_PART_RE = re.compile(r"最后一(?:个|大)?部分|最后那部分")
FROM_END_RE = re.compile(rf"倒数第{_NUM}(条|部分|大部分|个部分)")            # 倒数第二条: counted from the end
PART_ARTICLE_RE = re.compile(rf"第{_NUM}(?:部分|大部分|个部分)(?:的|里|中|里面|中的|里的)?"   # 第八部分的第一条,
                             rf"(?:(倒数)?第{_NUM}|(最后一|最末一))条")                      # 倒数第二条, 最后一条
DOC_COUNT_RE = re.compile(
    rf"(?:{DOC_WORDS}|总共|一共|全文).{{0,6}}(?<![第哪])(?:多少|几)(?:条|个部分|部分|大部分|章|篇|条款|大块|块)"
    rf"|(?:多少|几)(?:条|个部分|大部分)(?:内容)?(?:组成|构成)|分(?:成|为)(?:多少|几)(?:个)?部分|结构是?(?:怎样|怎么样|什么)")
METADATA_RE = re.compile(
    r"(?:哪天|哪一天|何时|什么时候|啥时候|几月几[日号]|日期|哪年|时间).{0,8}(?:通过|审议|印发|发布|出台|制定|定下|定稿)"
    r"|(?:通过|审议|印发|发布|出台|定稿).{0,6}(?:哪天|哪一天|何时|什么时候|啥时候|日期|时间|的日子)"
    r"|(?:哪次|哪个|什么|哪一次|哪届|几届|第几次).{0,6}(?:会议|全会|全体会议)"
    rf"|{DOC_WORDS}的?(?:全称|全名|标题|题目|文件名|正式名称|名字|名称)|^(?:全称|全名|标题|题目|文件名)"
    r"|(?:哪个|哪一个|什么)(?:单位|部门|机关|机构)(?:出|发|制定|印发|通过|起草|提出|发布)的|(?:谁|哪家)(?:出|发|制定|印发|起草)的"
    r"|(?:谁|哪个(?:机关|单位|部门)|哪一级).{0,4}(?:制定|起草|发布|提出|通过)的?(?:这份|这个)?(?:建议|文件)")
MENTION_PATTERNS = [
    re.compile(r"^(?:建议|原文|文件|规划)?(?:中|里)?(?:一共)?(?:提到|提及|涉及|提出)(?:了|过)?哪些(?P<term>.+?)$"),
    re.compile(r"^(?P<term>[^，,。？?]{2,20}?)(?:在|于)(?:建议|原文|文件|规划)(?:里|中|当中)"),
    re.compile(r"^(?P<term>[^，,。？?]{2,20}?)相关的?(?:建设)?(?:内容|条文|表述|提法|安排)"),
    re.compile(r"^(?:建议|原文|文件)?(?:里|中)?(?:有)?哪些(?:条|条文|地方|部分|内容)(?:里|中)?(?:提到|提及|出现|涉及|讲到|说到)(?:了|过)?(?P<term>.+?)$"),
    re.compile(r"^(?P<term>.+?)(?:在|于)?(?:建议|原文|文件)?(?:里|中)?(?:一共|总共|都)?(?:出现|提到|提及)(?:了|过)?(?:在)?(?:哪些|几)(?:地方|条|处|次|部分)"),
    re.compile(r"^(?:提到|提及|涉及)(?:了)?(?P<term>.+?)的(?:条文|条款|地方|内容)(?:有哪些)?$"),
    re.compile(r"^(?:列出|找出|列举)(?:所有|全部)?(?:提到|提及|涉及)(?:了)?(?P<term>.+?)的(?:条文|条款|地方|内容)?$"),
]
MENTION_TRIM = "“”\"'‘’《》「」 ，,、。？?！!：:的了"
GENERIC_TERMS = {"内容", "项目", "措施", "举措", "政策", "安排", "工作", "方面", "任务", "目标", "要求", "地方",
                 "条文", "重点", "事情", "东西", "重大项目", "重点项目", "重要内容"}
LOCATE_RE = re.compile(r"第几条|哪一条|哪条|哪几条|哪几处|哪个部分|哪一部分|哪部分|在哪里(?:提|讲|说|写)|写在哪|出自哪|哪一节|第几部分")
COMPARE_RE = re.compile(r"(?:哪个|哪项|哪一个|谁|哪种|哪边).{0,4}?(?:更|最|比较)?[高低大小多少快慢强弱重]"
                        r"|区别|差别|不同|对比|相比|比较|差多少|差距多大|比.{1,12}(?:高|低|大|小|多|少)(?:多少|几)")
COUNT_RE = re.compile(r"(?<![第哪这那])(?:几|多少)(?:个(?!百分点|小时|月|点|人|钟头)|项|所|家|条|次|座|大|种|类|名|位|批|处|张|支|场|届|轮|片区|件)"
                      r"|一共有?(?:几|多少)|数量")
FIGURE_RE = re.compile(r"哪一年|哪年|几几年|几个点|几个百分点|几个小时|多少小时|多久|多长时间|多少|百分之几|几成|比例|比重|比率|占比|多大|多高|多长|多远|多快|多宽|规模|数值|指标值|增速"
                       r"|增长率|几倍|翻番|排第几|排名|几个百分点|好多|好大|几万|几千|几百|几亿|(?<![这那近前])几年"
                       r"|几[aAＡ]级?|几星级?|几级")                     # a grade: 几A级景区, 几星级酒店
YESNO_RE = re.compile(r"有没有|是否|是不是|会不会|能不能|可不可以|有无|要不要|算不算|包不包括|包括.{1,10}吗|[^么啥]吗[？?]?$|没有[？?]?$|不[？?]$|没[？?]$")
EXPLAIN_RE = re.compile(r"是什么意思|什么意思|啥意思|指什么|指的是什么|是指什么|指的啥|怎么理解|如何理解|含义|什么叫|何为|解释一下|解释下|具体指|是个啥|是啥东西|是什么东西")
LIST_RE = re.compile(r"有哪些|哪些|哪几|列举|列出|都有什么|都有啥|包括什么|包括哪些|几大|分别|有啥|有什么|都是什么")
LIST_ALL_RE = re.compile(r"全部|所有|都列出|全都|一一|完整|逐条|列全|一个不落|统统|每一[条项个]")
STRICT_FIGURE_RE = re.compile(r"哪一年|哪年|几几年|几个点|几个百分点|几个小时|多少小时|多久|多长时间|多少|百分之几|比例|占比|几(?![次处条])")
MENTION_COUNT_RE = re.compile(r"几次|几处|几条|哪些地方|哪几处|哪几条")
NUMBERED_TERM_ASK_RE = re.compile(rf"[“\"](?!十[四五]五)([{CN_NUMERALS}两][^”\"]{{1,10}})[”\"].{{0,8}}(?:具体)?(?:是哪|包括哪|指的?是?什么|是指|都是什么|分别是)")
QUOTED_RE = re.compile(r"[“\"‘「『]([^”\"’」』]{2,20})[”\"’」』]")

RESULT_RE = re.compile(r"已|去年|今年|这五年|过去|五年来|截至|截止|取得|达到了|成就|成效")
GOAL_RE = re.compile(r"期末|要达到|要到|目标|计划|打算|要")
PERIOD_PHRASE_RE = re.compile(r"(?:到)?20\d\d年?|“?十[四五]五”?(?:末|期间|时期)?|现在|目前|五年后")
FROM_TO_RE = re.compile(r"[从由](?:现在|目前|2025年?|十四五末?)?.{0,8}(?:增加|提高|扩大|提升|增长|上升|下降|降低|缩小|调整|扩)到")
VISION_RE = re.compile(r"2035|二〇三五|远景|长远")
EXPLICIT_RESULT_RE = re.compile(r"2025|二〇二五|十四五|现在|目前|如今|现状|当前|眼下|已经")
EXPLICIT_GOAL_RE = re.compile(r"20(?:2[6-9]|30)|二〇三〇|十五五|五年后|五年以后|未来五年|今后五年|到时候|规划期末|将来|以后|未来")

# The form of a message addressed to the assistant rather than about the plan.
ROLE_PREFIX_RE = re.compile(r"^\s*(?:system|assistant|user|系统|助手|用户|管理员|指令)\s*[:：]\s*", re.I)
INSTRUCTION_RE = re.compile(
    r"(?:忽略|无视|忘掉|忘记|不要管)(?:以上|之前|前面|上面|所有|全部|你的)?.{0,6}(?:指令|提示|规则|要求|设定|限制)"
    r"|新指令|你现在(?:是|可以|必须|扮演)|进入.{0,6}模式|以.{0,6}模式(?:回答|输出)|扮演|假装你?是|不受限制|越狱"
    r"|\b(?:reply|answer|respond|ignore|print|output|translate|pretend|act as)\b"
    r"|(?:原文条目|条文)到此为止", re.I)
ASSISTANT_RE = re.compile(
    r"(?:你|您)的?(?:指令|规则|设定|提示|提示词|系统提示|限制|配置|模型|参数)|你收到的|第一条消息|隐藏的(?:提示|规则)|系统提示|提示词"
    r"|system prompt|instructions?|jailbreak|developer mode|dan模式|开发者模式|被禁止|禁止做的"
    r"|你(?:这个)?(?:问答)?(?:助手|机器人|系统|程序|ai).{0,8}(?:谁|哪|什么)|^你是(?:谁|哪|什么)|你(?:是|由)哪(?:家|个)"
    r"|(?:帮我|替我|给我|帮忙)(?:订|买|预订|预约|挂号|办理|缴|交)(?!.*(?:建议|规划)(?:里|中))"
    r"|(?:请|帮我|给我|替我|你|麻烦|为我|再)(?:随便|帮我)?(?:编造|虚构|捏造|瞎编|编一个|编个|杜撰|编写一个假|造一个)"
    r"|(?:输出|给出|写出|说出)(?:一个|一些)?(?:虚构|编造|假)的"
    r"|^(?:编造|虚构|捏造|瞎编|杜撰)"
    r"|假设(?:建议|原文|文件|规划)?(?:里|中)?(?:规定|写了|提出|说)(?:了)?.{0,30}(?:请|据此)"
    r"|(?:标注|注明|加上|附上)(?:这句话|出处|引用)|(?:请|帮我)用〔"
    r"|(?:帮我|请|给我)(?:写|编|拟|起草)(?:一段|一句|一篇)?(?:话|文字|新闻|稿).{0,40}(?:标注|注明|引用|出处)", re.I)
OPINION_RE = re.compile(r"还是.{1,14}好[点些一]*[？?]?$|哪个更?好|选哪个|怎么选|你(?:觉得|认为|说|看|建议|推荐)|我(?:该不该|应不应该|要不要|应该|该|适合|能不能)(?!.*(?:建议|规划)(?:里|中))|值不值得|划不划算|好还是")
OTHER_PLAN_RE = re.compile(r"(?P<place>[\u4e00-\u9fff]{2,5}?)(?:区|县|市|州|省)?的(?:“?十五五”?)?(?:规划|建议|纲要|计划)")
HOME_NAMES = ("黔江", "我区", "全区", "本区", "咱们", "我们", "区里", "区委", "这个", "这份", "那份", "该", "建议")

PLACE_NAME_RE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:镇|乡|村|街道|社区)(?![\u4e00-\u9fff]{0,1}(?:建设|振兴|发展|治理))")
GENERAL_FORM_RE = re.compile(r"咋样|怎么样|怎样|如何|怎么说|啥说法|什么说法|怎么搞|咋搞|怎么办|咋办|啥情况|什么情况")  # asks how
COUNTED_RE = re.compile(r"[一二两三四五六七八九十几]+[个项条件点处家种类]")   # 两个 (in 这两个数): a count, no topic
CODE_RE = re.compile(r"(?<![a-z0-9])(?:[a-z]+\d+[a-z]*|\d+[a-z]+)(?![a-z0-9])")
# a numbered formulation (提法) of two or more numeral-led pieces: 一区两群, 两江四岸, 四高六铁
FORMULATION_RE = re.compile(r"(?:[一二三四五六七八九十两][^\W\d一二三四五六七八九十两零个]){2,}")
DOC_TOPIC_WORDS = {"整份", "条目", "编号", "编了号", "大块", "块", "部分", "条款", "全文", "文件", "建议", "规划",
                   "内容", "组成", "构成", "结构", "分成", "分为", "这份", "整个", "总共", "一共", "几大块",
                   "从头到尾", "加起来", "编了号", "大部分", "几大部分", "分几块", "几块"}
FORM_WORDS = {
    "多少", "几个", "几", "哪些", "哪个", "什么", "啥", "怎么", "怎么样", "怎样", "如何", "是否", "有没有", "目标",
    "现在", "目前", "如今", "已经", "今年", "去年", "将来", "以后", "到时候", "未来", "要", "达到", "实现",
    "比例", "占比", "比重", "多大", "多高", "多长", "规模", "数字", "数量", "一共", "总共", "分别", "全部", "所有", "列出",
    "列举", "具体", "措施", "举措", "哪一条", "第几条", "哪条", "条", "部分", "出现", "地方", "意思", "指", "理解",
    "更", "高", "低", "大", "小", "哪天", "通过", "好多", "好大", "年", "定", "提", "写", "讲", "说", "呢", "那",
    "到", "哪个", "哪项", "谁", "区别", "不同", "对比", "相比", "比较", "差距", "情况", "咋样", "啥样",
} | GENERIC_TERMS | {"提法", "表述", "说法", "规定", "现状", "以后", "要求", "分别", "哪几个", "哪几", "几个",
     "大概", "大约", "一年", "每个", "个", "体量", "盘子", "差不多", "左右", "咱", "咱们", "具体", "定", "跟",
     "啥比例", "几个点", "多少钱", "钱", "哪一年", "哪年", "什么时候", "啥时候", "何时",
     "出自", "出处", "写在", "来自",
     "多久", "多长时间", "多远", "多快"}                   # how long / far / fast: what is asked, not what about                      # where a statement stands (LOCATE_RE's 出自哪, 写在哪)
FORM_WORD_RE = re.compile(r"^(?:20\d\d|\d+|二〇.+|十四五|十五五|百分之几|几.|多少.|(?:最|更|比较|较)[\u4e00-\u9fff]"
                          r"|(?:那|这|那么|到)(?:到|么|个|些|样)?)$")      # demonstratives jieba joins: 那到
ASKS_RE = re.compile(r"(?:多大|好大|多高|多少)的?(?:比例|比重)|多长时间|多久"   # 占好大比例: a share, however said
                     r"|(?<![这那])(?:多少|几)(?:万|亿|千|百)?(?:平方公里|公里|人次|个百分点|人|元|钱|亩|吨|头|年|天|个|项|所|家|条|次|座|%)?"
                     r"|百分之几|多大|多高|多长|多远|多快|好大|好多|占比|比例|比重")
NUMERIC_SHAPES = (Shape.FIGURE, Shape.COUNT, Shape.COMPARE)   # a broader region carries no figure of a place


def is_form_compound(word: str) -> bool:
    """A word jieba glued together from form words only (哪些地方 = 哪些 + 地方, 什么时候): no topic."""
    if len(word) < 3:
        return False
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        reachable[end] = any(reachable[start] and word[start:end] in FORM_WORDS for start in range(end))
    return reachable[-1]
