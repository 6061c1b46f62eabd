"""The text grammar of plan documents, one module per concept, used by ingestion and chat alike:

- ``normalize``: the matching form of any text (NFKC, lower case);
- ``numerals``: Chinese numerals (一 … 九十九, 两) ↔ integers;
- ``refs``: unit ref ↔ label ↔ citation marker (7 ↔ 第7条 ↔ 〔第7条〕; P3 ↔ 第三部分导语; H ↔ 题注);
- ``sentences``: sentence and clause segmentation.
"""
