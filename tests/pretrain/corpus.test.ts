// The pretraining corpus: prose, treebank sentences and the TRAIN splits of the shared tasks, never a dev
// or test split and never the held-out WikiText-2; packing lays documents end to end with a separator.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { defaultCorpus, readCorpusSource, readWikiText, sourceFiles, TokenStream } from "../../src/pretrain/index.js";
import { fromVocabFile } from "../../src/tokenize/index.js";
import { DATA } from "../helpers/data.js";


describe("pretraining corpus", () => {
  it("reads only train splits and prose, and holds out WikiText-2", () => {
    const files = defaultCorpus(DATA).flatMap(sourceFiles);
    // data/: 1 Wikipedia part + 1 Gutenberg book + 2 EWT and 2 GUM train parts + SST-2, CoLA, MRPC, CoNLL-2003, OpenEntity train
    assert.equal(files.length, 11, `expected every Wikipedia part, Gutenberg book and train split, got ${files.length} files`);
    for (const f of files) {
      assert.doesNotMatch(f, /dev|test|valid/i, `${f} is not a dev or test split`);
    }
    for (const expected of ["glue/SST-2/train.tsv", "glue/CoLA/train.tsv", "glue/MRPC/train.tsv", "conll2003/train.txt", "OpenEntity/train.json", "en_ewt-ud-train.part01-of-02.conllu", "en_gum-ud-train-recon.part02-of-02.conllu", "gutenberg-en/joyce_dubliners_pg2814.txt", "enwiki-wikiextractor.part01.txt"]) {
      assert.ok(files.some((f) => f.endsWith(expected)), `corpus includes ${expected}`);
    }
  });

  it("repeats only the shared tasks' train splits under a task-text weight", () => {
    const weighted = defaultCorpus(DATA, 3);
    const repeated = weighted.filter((s) => s.repeat === 3).map((s) => s.kind);
    assert.deepEqual(repeated, ["glue", "glue", "glue", "conll", "openentity"]);
    assert.ok(weighted.filter((s) => s.kind === "text" || s.kind === "treebank").every((s) => s.repeat === undefined), "prose and treebanks enter once");
    assert.deepEqual(weighted.flatMap(sourceFiles), defaultCorpus(DATA).flatMap(sourceFiles), "the same files, only weighted");
  });

  it("reads each kind of source as documents of text", () => {
    // the slices' sentences (counted in Python): a treebank sentence, a GLUE text (MRPC: two per pair), a CoNLL sentence, an OpenEntity sent
    const expectedParagraphs: [suffix: string, count: number][] = [
      ["ud/en-ewt", 400], ["ud/en-gum", 400], ["SST-2/train.tsv", 10_000], ["CoLA/train.tsv", 1_000], ["MRPC/train.tsv", 1_200],
      ["conll2003/train.txt", 1_000], ["OpenEntity/train.json", 400],
    ];
    const sources = defaultCorpus(DATA).filter((s) => s.kind !== "text");
    assert.equal(sources.length, expectedParagraphs.length);
    for (const source of sources) {
      const documents = readCorpusSource(source);
      const paragraphs = documents.flat();
      const expected = expectedParagraphs.find(([suffix]) => source.path.endsWith(suffix));
      assert.ok(expected !== undefined, `${source.path}: an expected source`);
      assert.equal(paragraphs.length, expected[1], `${source.path}: ${paragraphs.length} paragraphs`);
      assert.ok(paragraphs.every((p) => typeof p === "string" && p.length > 0), `${source.path}: non-empty text`);
    }
    const sst = readCorpusSource(defaultCorpus(DATA).find((s) => s.task === "SST-2")!).flat();
    assert.equal(sst.length, 10_000, "one paragraph per SST-2 training sentence");
  });

  it("undoes WikiText's tokenisation and drops its headings", () => {
    const paragraphs = readWikiText(join(DATA, "text/wikitext2-test/wiki.test.raw"));
    assert.ok(paragraphs[0].startsWith("Robert Boulter is an English film , television and theatre actor"), paragraphs[0].slice(0, 80));
    assert.ok(paragraphs.every((p) => !/ @[-,.]@ /.test(p) && !/^=.*=$/.test(p)));
    assert.ok(paragraphs.some((p) => p.includes("guest-starring")), "' @-@ ' becomes '-'");
  });

  it("packs documents end to end with a separator and drops the last partial body", () => {
    const tokenizer = fromVocabFile(join(DATA, "vocab/bert-base-uncased/vocab.txt"), { lowercase: true });
    const stream = new TokenStream(tokenizer);
    stream.addDocument(["Hello world.", "It rains."]);
    stream.addDocument(["Bye."]);
    const ids = (text: string) => [...tokenizer.encode(text, null, { addSpecialTokens: false }).ids];
    const sep = tokenizer.specialTokenIds.sep!;
    const expected = [...ids("Hello world."), ...ids("It rains."), sep, ...ids("Bye."), sep];
    assert.equal(stream.tokenCount, expected.length);
    const packed = stream.pack(4);
    assert.equal(packed.count, Math.floor(expected.length / 4));
    assert.deepEqual([...packed.tokens], expected.slice(0, packed.count * 4));
  });
});
