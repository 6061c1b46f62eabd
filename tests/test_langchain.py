"""The hybrid retriever behind LangChain's retriever interface, used inside a small LCEL chain."""
from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from chat.retrieval.retrieve import PlanRetriever


def test_plan_retriever_feeds_a_langchain_chain(assistant):
    retriever = PlanRetriever(hybrid=assistant.retriever, k=3)
    cite = RunnableLambda(lambda docs: "；".join(f"{d.metadata['title']}〔{d.metadata['label']}〕" for d in docs))
    chain = {"question": RunnablePassthrough(), "context": retriever | cite} | RunnableLambda(
        lambda x: f"{x['question']} → {x['context']}")
    out = chain.invoke("2030年城市人口目标是多少")
    assert out.startswith("2030年城市人口目标是多少 → ")
    assert "〔第7条〕" in out.split("→")[1].split("；")[0]          # the goals article ranks first
    docs = retriever.invoke("低空经济")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    assert any("低空经济" in d.page_content for d in docs)
    assert {"ref", "label", "doc_id", "score", "title", "part_heading"} <= set(docs[0].metadata)
