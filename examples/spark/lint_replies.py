"""Lint a JSON Lines file of replies with replylint inside a PySpark job (local mode).

Usage: python3 lint_replies.py REPLIES.jsonl [REPLYLINT_BINARY]

Each input line is a record like {"id": "r-1", "text": "..."}. The pipe stage runs
`replylint check --jsonl` once per partition; it writes exactly one result line per input line,
in order, so results can be joined back by id. Prints one JSON object: findings per rule, the
number of records with findings, and the records that could not be checked.
"""

import json
import shutil
import sys

from pyspark import SparkConf, SparkContext


def main() -> None:
    replies = sys.argv[1]
    binary = sys.argv[2] if len(sys.argv) > 2 else shutil.which("replylint") or "replylint"
    conf = SparkConf().setMaster("local[2]").setAppName("replylint").set("spark.ui.enabled", "false")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    try:
        results = sc.textFile(replies).pipe(f"{binary} check --jsonl").map(json.loads).cache()
        per_rule = dict(
            results.flatMap(lambda result: [f["rule"] for f in result.get("findings", [])])
            .map(lambda rule: (rule, 1))
            .reduceByKey(lambda a, b: a + b)
            .collect()
        )
        with_findings = results.filter(lambda result: result.get("findings")).count()
        errors = results.filter(lambda result: "error" in result).map(
            lambda result: {"id": result["id"], "error": result["error"]}
        ).collect()
        summary = {
            "records": results.count(),
            "records_with_findings": with_findings,
            "findings_per_rule": dict(sorted(per_rule.items())),
            "errors": errors,
        }
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    finally:
        sc.stop()


if __name__ == "__main__":
    main()
