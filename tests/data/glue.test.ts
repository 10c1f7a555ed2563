import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError, FormatError } from "../../src/errors.js";
import { GLUE_TASK_NAMES, glueFilePath, glueTask, labelsFromExamples, readGlue, type TextExample } from "../../src/data/index.js";
import { assertThrowsNaming, GLUE_DIR, makeTempDir } from "./helpers/data-files.js";

function countLabels(examples: readonly TextExample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { label } of examples) counts[String(label)] = (counts[String(label)] ?? 0) + 1;
  return counts;
}

function at<T>(items: readonly T[], index: number): T {
  const item = items.at(index);
  assert.ok(item !== undefined, `no item at ${index} of ${items.length}`);
  return item;
}

describe("readGlue on the GLUE slices (data/glue)", () => {
  it("reads SST-2 train: 10,000 sentences, labels 0/1, no second text", () => {
    const { file, examples, skipped } = readGlue({ dataDir: GLUE_DIR, task: "SST-2", split: "train" });
    assert.equal(file, join(GLUE_DIR, "SST-2", "train.tsv"));
    assert.equal(examples.length, 10_000);
    assert.deepEqual(skipped, []);
    assert.deepEqual(examples[0], { textA: "hide new secretions from the parental units ", label: "0", line: 2 });
    assert.deepEqual(at(examples, -1), {
      textA: "the most entertaining monster movies in ages ",
      label: "1",
      line: 10_001,
    });
    assert.deepEqual(countLabels(examples), { "0": 4_471, "1": 5_529 });
    assert.deepEqual(labelsFromExamples(examples), ["0", "1"]);
  });

  it("reads SST-2 dev: 872 sentences, quotes kept as text", () => {
    const { examples } = readGlue({ dataDir: GLUE_DIR, task: "SST-2", split: "dev" });
    assert.equal(examples.length, 872);
    assert.deepEqual(examples[0], { textA: "it 's a charming and often affecting journey . ", label: "1", line: 2 });
    assert.deepEqual(at(examples, -1), {
      textA: "looking aristocratic , luminous yet careworn in jane hamilton 's exemplary costumes , rampling gives a performance that could not be improved upon . ' ",
      label: "1",
      line: 873,
    });
    assert.deepEqual(countLabels(examples), { "0": 428, "1": 444 });
  });

  it("reads MRPC train and dev (header after a byte-order mark, literal quotes): 600 / 408 pairs", () => {
    const train = readGlue({ dataDir: GLUE_DIR, task: "MRPC", split: "train" }).examples;
    assert.equal(train.length, 600);
    assert.deepEqual(train[0], {
      textA: 'Amrozi accused his brother , whom he called " the witness " , of deliberately distorting his evidence .',
      textB: 'Referring to him as only " the witness " , Amrozi accused his brother of deliberately distorting his evidence .',
      label: "1",
      line: 2,
    });
    assert.deepEqual(at(train, -1), {
      textA: "If convicted , they face up to five years in prison and a $ 250,000 fine on each of the 11 counts .",
      textB: "If convicted , each faces up to five years in prison and a fine of $ 250,000 or more based on the amount of gains involved .",
      label: "0",
      line: 601,
    });
    assert.deepEqual(countLabels(train), { "0": 190, "1": 410 });

    const dev = readGlue({ dataDir: GLUE_DIR, task: "MRPC", split: "dev" }).examples;
    assert.equal(dev.length, 408);
    assert.deepEqual(dev[0], {
      textA: "He said the foodservice pie business doesn 't fit the company 's long-term growth strategy .",
      textB: '" The foodservice pie business does not fit our long-term growth strategy .',
      label: "1",
      line: 2,
    });
    assert.deepEqual(at(dev, -1), {
      textA: "Ex-KGB agent Putin added that the Beatles were considered ' propaganda of an alien ideology ' .",
      textB: "In Soviet times the Beatles ' music \" was considered propaganda of an alien ideology .",
      label: "1",
      line: 409,
    });
    assert.deepEqual(countLabels(dev), { "0": 129, "1": 279 });
  });

  it("reads CoLA train and dev, which have no header row: 1,000 / 1,043 sentences", () => {
    const train = readGlue({ dataDir: GLUE_DIR, task: "CoLA", split: "train" }).examples;
    assert.equal(train.length, 1_000);
    assert.deepEqual(train[0], { textA: "Our friends won't buy this analysis, let alone the next one we propose.", label: "1", line: 1 });
    assert.deepEqual(at(train, -1), { textA: "Rich we have impeccable taste.", label: "0", line: 1_000 });
    assert.deepEqual(countLabels(train), { "0": 354, "1": 646 });

    const dev = readGlue({ dataDir: GLUE_DIR, task: "CoLA", split: "dev" }).examples;
    assert.equal(dev.length, 1_043);
    assert.deepEqual(dev[0], { textA: "The sailors rode the breeze clear of the rocks.", label: "1", line: 1 });
    assert.deepEqual(at(dev, -1), { textA: "John talked to Bill about himself.", label: "1", line: 1_043 });
    assert.deepEqual(countLabels(dev), { "0": 322, "1": 721 });
  });

  it("reads QNLI dev: 600 question/sentence pairs labelled entailment / not_entailment", () => {
    const { examples } = readGlue({ dataDir: GLUE_DIR, task: "QNLI", split: "dev" });
    assert.equal(examples.length, 600);
    assert.deepEqual(examples[0], {
      textA: "What came into force after the new constitution was herald?",
      textB: "As of that day, the new constitution heralding the Second Republic came into force.",
      label: "entailment",
      line: 2,
    });
    const last = at(examples, -1);
    assert.equal(last.textA, "What injury did the Carolina Panthers lose Kelvin Benjamin to during their preseason?");
    assert.ok(last.textB?.startsWith("Carolina started the season 14–0, not only setting franchise records"));
    assert.ok(last.textB?.endsWith("the 2009 New Orleans Saints and the 2011 Green Bay Packers."));
    assert.equal(last.label, "not_entailment");
    assert.equal(last.line, 601);
    assert.deepEqual(countLabels(examples), { entailment: 279, not_entailment: 321 });
    assert.deepEqual(labelsFromExamples(examples), ["entailment", "not_entailment"]);
  });
});

describe("GLUE task table", () => {
  it("has the processors' label lists for every task, and none for STS-B (regression)", () => {
    assert.deepEqual([...GLUE_TASK_NAMES], ["CoLA", "SST-2", "MRPC", "STS-B", "QQP", "MNLI", "QNLI", "RTE", "WNLI"]);
    const labels = Object.fromEntries(GLUE_TASK_NAMES.map((name) => [name, glueTask(name).labels]));
    assert.deepEqual(labels, {
      CoLA: ["0", "1"], "SST-2": ["0", "1"], MRPC: ["0", "1"], "STS-B": null, QQP: ["0", "1"],
      MNLI: ["contradiction", "entailment", "neutral"], QNLI: ["entailment", "not_entailment"],
      RTE: ["entailment", "not_entailment"], WNLI: ["0", "1"],
    });
  });

  it("names splits train/dev/test, and dev_matched/dev_mismatched (test_*) for MNLI", () => {
    assert.deepEqual(Object.keys(glueTask("SST-2").splits), ["train", "dev", "test"]);
    assert.deepEqual(Object.keys(glueTask("MNLI").splits), ["train", "dev_matched", "dev_mismatched", "test_matched", "test_mismatched"]);
  });

  it("resolves <dir>/<TASK>/<split>.tsv, accepting the lower-case names without hyphens", () => {
    assert.equal(glueFilePath("/data/glue", "sst2", "dev"), join("/data/glue", "SST-2", "dev.tsv"));
    assert.equal(glueFilePath("/data/glue", "sts-b", "train"), join("/data/glue", "STS-B", "train.tsv"));
    assert.equal(glueFilePath("/data/glue", "mnli", "dev_mismatched"), join("/data/glue", "MNLI", "dev_mismatched.tsv"));
  });

  it("rejects an unknown task or split with a ConfigError listing the accepted ones", () => {
    assertThrowsNaming(() => glueTask("SQuAD"), ConfigError, ['unknown task "SQuAD"', "CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI"]);
    assertThrowsNaming(() => readGlue({ dataDir: GLUE_DIR, task: "MNLI", split: "dev" }), ConfigError, ['unknown split "dev"', "dev_matched, dev_mismatched"]);
  });
});

describe("readGlue layouts and errors (temp files)", () => {
  const temp = makeTempDir("glue");
  after(temp.cleanup);
  const writeTask = (task: string, split: string, text: string): string => {
    mkdirSync(join(temp.dir, task), { recursive: true });
    const path = join(temp.dir, task, `${split}.tsv`);
    writeFileSync(path, text);
    return path;
  };
  const mnliText = (index: number, s1: string, s2: string): string =>
    [String(index), "31193", "31193n", "government", "( ( bin", "( ( bin", "(ROOT", "(ROOT", s1, s2].join("\t");

  it("MNLI: texts from columns 8 and 9, label from the last (gold_label) column; extra tabs tolerated", () => {
    const header = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tgold_label\n";
    writeTask("MNLI", "train", header +
      `${mnliText(0, "Conceptually cream skimming has two basic dimensions.", "Product and geography are what make cream skimming work.")}\tneutral\tneutral\n` +
      `${mnliText(1, "A tab\there", "Second.")}\tentailment\tentailment\n`);
    const train = readGlue({ dataDir: temp.dir, task: "MNLI", split: "train" }).examples;
    assert.deepEqual(train[0], {
      textA: "Conceptually cream skimming has two basic dimensions.",
      textB: "Product and geography are what make cream skimming work.",
      label: "neutral",
      line: 2,
    });
    // 13 columns: the processors' fixed indices read "A tab" and "here"; the label still comes from the last column
    assert.deepEqual(train[1], { textA: "A tab", textB: "here", label: "entailment", line: 3 });

    const devHeader = header.replace("label1\t", "label1\tlabel2\tlabel3\tlabel4\tlabel5\t");
    writeTask("MNLI", "dev_mismatched", devHeader + `${mnliText(7, "P.", "H.")}\tcontradiction\tcontradiction\tneutral\tcontradiction\tcontradiction\tcontradiction\n`);
    assert.deepEqual(readGlue({ dataDir: temp.dir, task: "MNLI", split: "dev_mismatched" }).examples, [{ textA: "P.", textB: "H.", label: "contradiction", line: 2 }]);

    const path = writeTask("MNLI", "dev_matched", devHeader + `${mnliText(7, "P.", "H.")}\tneutral\tneutral\n`);
    assertThrowsNaming(() => readGlue({ dataDir: temp.dir, task: "MNLI", split: "dev_matched" }), FormatError, [`${path}:2: expected at least 16 tab-separated columns`, "got 12"]);
  });

  it("MNLI test files carry no labels: label null", () => {
    const header = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\n";
    writeTask("MNLI", "test_matched", header + `${mnliText(0, "P.", "H.")}\n`);
    assert.deepEqual(readGlue({ dataDir: temp.dir, task: "MNLI", split: "test_matched" }).examples, [{ textA: "P.", textB: "H.", label: null, line: 2 }]);
  });

  it("QQP: question1/question2 from columns 3 and 4, label from column 5; a short row is an error or skipped", () => {
    const path = writeTask("QQP", "dev", "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n" +
      "201359\t303345\t303346\tWhy are African-Americans so beautiful?\tWhy are hispanics so beautiful?\t0\n" +
      "1\t2\t3\tonly one question\t1\n" +
      "7\t8\t9\tA question with a\ttab?\tSecond question?\t1\n");
    assertThrowsNaming(() => readGlue({ dataDir: temp.dir, task: "QQP", split: "dev" }), FormatError, [`${path}:3: expected at least 6 tab-separated columns (id, qid1, qid2, question1, question2, is_duplicate), got 5`]);
    const { examples, skipped } = readGlue({ dataDir: temp.dir, task: "QQP", split: "dev", skipMalformed: true });
    assert.deepEqual(examples, [{ textA: "Why are African-Americans so beautiful?", textB: "Why are hispanics so beautiful?", label: "0", line: 2 }]);
    // the row with a tab inside question1 puts text where the label belongs: caught by the label check
    assert.deepEqual(skipped, [
      { line: 3, reason: "expected at least 6 tab-separated columns (id, qid1, qid2, question1, question2, is_duplicate), got 5" },
      { line: 4, reason: 'unknown label "Second question?"; expected one of 0, 1' },
    ]);
  });

  it("STS-B: the score from the last column is a number; a score that is not one is an error", () => {
    const header = "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n";
    const path = writeTask("STS-B", "train", header +
      "0\tmain-captions\tMSRvid\t2012test\t0001\tnone\tnone\tA plane is taking off.\tAn air plane is taking off.\t5.000\n" +
      "1\tmain-captions\tMSRvid\t2012test\t0004\tnone\tnone\tA man is playing a flute.\tA man is playing a large flute.\t3.800\n" +
      "2\tmain-captions\tMSRvid\t2012test\t0005\tnone\tnone\tA.\tB.\tfive\n");
    assertThrowsNaming(() => readGlue({ dataDir: temp.dir, task: "STS-B", split: "train" }), FormatError, [`${path}:4: expected a number score, got "five"`]);
    const { examples } = readGlue({ dataDir: temp.dir, task: "stsb", split: "train", skipMalformed: true });
    assert.deepEqual(examples, [
      { textA: "A plane is taking off.", textB: "An air plane is taking off.", label: 5, line: 2 },
      { textA: "A man is playing a flute.", textB: "A man is playing a large flute.", label: 3.8, line: 3 },
    ]);
  });

  it("RTE and WNLI: sentence1/sentence2 from columns 1 and 2, label from the last column", () => {
    writeTask("RTE", "dev", "index\tsentence1\tsentence2\tlabel\n0\tDana Reeve died.\tChristopher Reeve had an accident.\tnot_entailment\n");
    assert.deepEqual(readGlue({ dataDir: temp.dir, task: "RTE", split: "dev" }).examples, [
      { textA: "Dana Reeve died.", textB: "Christopher Reeve had an accident.", label: "not_entailment", line: 2 },
    ]);
    writeTask("WNLI", "train", "index\tsentence1\tsentence2\tlabel\n0\tI stuck a pin.\tThe pin had a hole.\t1\n");
    assert.deepEqual(readGlue({ dataDir: temp.dir, task: "WNLI", split: "train" }).examples, [
      { textA: "I stuck a pin.", textB: "The pin had a hole.", label: "1", line: 2 },
    ]);
  });

  it("a row with the wrong column count is a FormatError naming the file, line, columns and count", () => {
    const path = writeTask("SST-2", "train", "sentence\tlabel\ngood film\t1\nbad film\t0\ntab\tinside\t1\n");
    assert.throws(() => readGlue({ dataDir: temp.dir, task: "SST-2", split: "train" }), (error: unknown) => {
      assert.ok(error instanceof FormatError);
      assert.equal(error.message, `${path}:4: expected 2 tab-separated columns (sentence, label), got 3`);
      return true;
    });
  });

  it("an unknown label is a FormatError naming the file and line and listing the task's labels", () => {
    const path = writeTask("SST-2", "dev", "sentence\tlabel\ngood film\t1\nunsure\tmaybe\n");
    assertThrowsNaming(() => readGlue({ dataDir: temp.dir, task: "SST-2", split: "dev" }), FormatError, [`${path}:3: unknown label "maybe"; expected one of 0, 1`]);
  });

  it("skipMalformed counts the skipped rows and keeps the good ones; blank lines are not rows", () => {
    writeTask("CoLA", "train", "gj04\t1\t\tGood.\n\ngj04\t0\t*\n" + "gj04\t2\t\tBad label.\ngj04\t0\t*\tWorse.\n");
    const { examples, skipped } = readGlue({ dataDir: temp.dir, task: "CoLA", split: "train", skipMalformed: true });
    assert.deepEqual(examples, [{ textA: "Good.", label: "1", line: 1 }, { textA: "Worse.", label: "0", line: 5 }]);
    assert.deepEqual(skipped.map((row) => row.line), [3, 4]);
    assert.match(skipped[0].reason, /expected 4 tab-separated columns \(source, label, original judgement, sentence\), got 3/);
  });

  it("a missing file is a ConfigError naming the path", () => {
    const path = join(temp.dir, "RTE", "train.tsv");
    assertThrowsNaming(() => readGlue({ dataDir: temp.dir, task: "RTE", split: "train" }), ConfigError, [path, "ENOENT"]);
  });
});
