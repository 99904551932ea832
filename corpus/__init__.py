"""Files → clean passages with their citations.

    load      find files under the paths given, check them, read each format (readers, decode)
    clean     repair each line (repair, pinyin), drop furniture, read metadata, keep body paragraphs
    split     cut long paragraphs at sentence ends
    dedupe    merge passages republished in several documents
    pipeline  build_passages(paths) -> CorpusResult(passages, documents, report)

Nothing here imports the retrieval or bot packages.
"""
