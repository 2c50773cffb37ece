// The LangGraph side of the agent-loop peer benchmark (issue 15 part 1), started by bench/Acode.Benchmarks
// (Workloads/PeersWorkload.cs). One run = one thread of an agent loop of --steps steps: each step adds one AI message
// with one tool call (about 200 bytes of arguments) and the tool's result (--result-bytes, 2 KB), and the graph
// checkpoints durably (durability "sync": the checkpoint is written before the next step starts) after every step.
//
//   node langgraph-loop.mjs --engine sqlite --db FILE [--delta] [--steps 1000] [--result-bytes 2048]
//   PEERS_PG_URL=postgresql://... node langgraph-loop.mjs --engine postgres [--delta] [--steps 1000]
//
// --delta: the messages channel is LangGraph's (beta) delta channel, MessagesDeltaValue, which stores each step's new
// messages (plus a snapshot every 100 updates) instead of the whole history in every checkpoint.
// The PostgreSQL URL comes from the environment so that its password never shows in a process list.
// Prints one JSON object on stdout: per-step wall times and checkpoint-write times (ms), storage in bytes, versions.

import fs from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import pg from "pg";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { END, MessagesAnnotation, MessagesDeltaValue, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";

const options = parse(process.argv.slice(2));
const steps = options.steps;
const words = ["the", "test", "parser", "returns", "null", "when", "input", "is", "empty", "fixed", "module", "build", "passed",
  "failed", "warning", "line", "function", "expected", "actual", "assert", "config", "value", "error", "stack", "trace", "file"];

/** Deterministic text of exactly `length` characters (the same generator as Harness/Text.cs). */
function sentence(seed, length) {
  let x = (Math.imul(seed >>> 0, 2654435761) + 1) >>> 0;
  let text = "";
  while (text.length < length) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    text += words[x % words.length] + " ";
  }
  return text.slice(0, length);
}

/** About 200 bytes of tool arguments (serialized). */
function toolArguments(i) {
  return { path: `src/Module${i % 97}/File${i % 13}.cs`, startLine: i % 400, endLine: (i % 400) + 60, reason: "inspect the parser before the edit", query: sentence(i, 60) };
}

/** The saver, with its checkpoint writes (put, putWrites) timed: what persisting a step costs inside the graph step. */
function timed(saver) {
  const clock = { writesMs: 0 };
  for (const method of ["put", "putWrites"]) {
    const original = saver[method].bind(saver);
    saver[method] = async (...args) => {
      const t = performance.now();
      try {
        return await original(...args);
      } finally {
        clock.writesMs += performance.now() - t;
      }
    };
  }
  return clock;
}

async function main() {
  let saver;
  let sqlite;
  let pool;
  if (options.engine === "sqlite") {
    sqlite = new Database(options.db);
    // acode's default; the saver's own setup only switches to WAL and leaves synchronous as it finds it.
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = FULL");
    saver = new SqliteSaver(sqlite);
  } else if (options.engine === "postgres") {
    const url = process.env.PEERS_PG_URL;
    if (!url) throw new Error("PEERS_PG_URL is not set");
    pool = new pg.Pool({ connectionString: url, max: 4 });
    saver = new PostgresSaver(pool);
    await saver.setup();
  } else {
    throw new Error(`--engine sqlite|postgres, not ${options.engine}`);
  }

  const clock = timed(saver);
  const agent = (state) => {
    const i = state.messages.length; // one human message, then two per step
    const id = `call_${i}`;
    return {
      messages: [
        new AIMessage({ content: "", tool_calls: [{ id, name: "read_file", args: toolArguments(i), type: "tool_call" }] }),
        new ToolMessage({ content: sentence(i, options.resultBytes), tool_call_id: id, name: "read_file" }),
      ],
    };
  };
  const next = (state) => (state.messages.length >= 1 + 2 * steps ? END : "agent");
  const state = options.delta ? new StateSchema({ messages: MessagesDeltaValue }) : MessagesAnnotation;
  const graph = new StateGraph(state).addNode("agent", agent).addEdge(START, "agent").addConditionalEdges("agent", next).compile({ checkpointer: saver });

  const stepMs = [];
  const writesMs = [];
  const config = { configurable: { thread_id: "bench-thread" }, streamMode: "updates", durability: "sync", recursionLimit: steps + 10 };
  let last = performance.now();
  clock.writesMs = 0;
  const stream = await graph.stream({ messages: [new HumanMessage("Make the flaky DateParser test pass and keep the build green.")] }, config);
  for await (const _ of stream) {
    const now = performance.now();
    stepMs.push(now - last);
    writesMs.push(clock.writesMs);
    clock.writesMs = 0;
    last = now;
  }

  const final = await graph.getState({ configurable: { thread_id: "bench-thread" } });
  const messages = final.values.messages.length;
  if (messages !== 1 + 2 * steps) throw new Error(`the thread holds ${messages} messages, expected ${1 + 2 * steps}`);

  const result = { engine: options.engine, delta: options.delta, steps: stepMs.length, messages, stepMs, writesMs, versions: versions() };
  if (sqlite) {
    result.synchronous = sqlite.pragma("synchronous", { simple: true });
    result.journalMode = sqlite.pragma("journal_mode", { simple: true });
    result.fileBytes = size(options.db);
    result.walBytes = size(options.db + "-wal");
    result.storageBytes = result.fileBytes + result.walBytes;
    sqlite.close();
  } else {
    const tables = ["checkpoints", "checkpoint_blobs", "checkpoint_writes", "checkpoint_migrations"];
    const { rows } = await pool.query("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = ANY($1)", [tables]);
    result.storageBytes = Number(rows[0].bytes);
    const sync = await pool.query("SHOW synchronous_commit");
    result.synchronous = sync.rows[0].synchronous_commit;
    await pool.end();
  }

  process.stdout.write(JSON.stringify(result) + "\n");
}

function size(path) {
  return fs.existsSync(path) ? fs.statSync(path).size : 0;
}

function versions() {
  const require = createRequire(import.meta.url);
  const v = (name) => {
    try {
      return JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
    } catch {
      return "?";
    }
  };
  return { node: process.versions.node, langgraph: v("@langchain/langgraph"), checkpointSqlite: v("@langchain/langgraph-checkpoint-sqlite"),
    checkpointPostgres: v("@langchain/langgraph-checkpoint-postgres"), betterSqlite3: v("better-sqlite3"), pg: v("pg") };
}

function parse(args) {
  const o = { engine: "", db: "", delta: false, steps: 1000, resultBytes: 2048 };
  for (let i = 0; i < args.length; i++) {
    switch (args[i]) {
      case "--engine": o.engine = args[++i]; break;
      case "--db": o.db = args[++i]; break;
      case "--delta": o.delta = true; break;
      case "--steps": o.steps = Number(args[++i]); break;
      case "--result-bytes": o.resultBytes = Number(args[++i]); break;
      default: throw new Error(`unknown option ${args[i]}`);
    }
  }
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new Error("--steps takes a whole number >= 1");
  if (o.engine === "sqlite" && !o.db) throw new Error("--engine sqlite needs --db FILE");
  return o;
}

main().catch((error) => {
  process.stderr.write(`Error: ${error?.stack ?? error}\n`);
  process.exit(1);
});
