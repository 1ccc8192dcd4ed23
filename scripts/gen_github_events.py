#!/usr/bin/env python3
"""Writes pipelines/data/github_events.json: a deterministic sample of GitHub API events.

The events are shaped like https://api.github.com/events (id, type, actor, repo, payload,
public, created_at, sometimes org). A handful of records are deliberately bad (an actor
without login, an avatar_url that is not a GitHub avatar URL, an actor without id) so that the
`require` rules of pipelines/github_events.pipe send them to the dead-letter file.

Usage: scripts/gen_github_events.py [--count 2000] [--seed 7] [--out PATH]
"""
import argparse
import datetime
import json
import os
import random

TYPES = [
    ("PushEvent", 40),
    ("WatchEvent", 15),
    ("CreateEvent", 10),
    ("PullRequestEvent", 10),
    ("IssuesEvent", 8),
    ("IssueCommentEvent", 8),
    ("ForkEvent", 5),
    ("DeleteEvent", 4),
]
WORDS = ["sluice", "river", "stream", "delta", "atlas", "nova", "pixel", "quartz", "ember",
         "lumen", "orbit", "cedar", "falcon", "harbor", "kite", "maple", "nimbus", "onyx"]


def make_users(rng, n):
    users = []
    for i in range(n):
        uid = 1000 + i * 37 + rng.randint(0, 30)
        login = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}{i}"
        users.append({
            "id": uid,
            "login": login,
            "display_login": login,
            "gravatar_id": "",
            "url": f"https://api.github.com/users/{login}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?",
        })
    return users


def make_repos(rng, users, n):
    repos = []
    for i in range(n):
        owner = rng.choice(users)["login"]
        name = f"{owner}/{rng.choice(WORDS)}-{rng.choice(WORDS)}"
        rid = 500000 + i * 101 + rng.randint(0, 90)
        repos.append({"id": rid, "name": name, "url": f"https://api.github.com/repos/{name}"})
    return repos


def sha(rng):
    return "".join(rng.choice("0123456789abcdef") for _ in range(40))


def payload(rng, kind, repo, actor, n):
    if kind == "PushEvent":
        size = rng.randint(1, 3)
        return {
            "repository_id": repo["id"], "push_id": 9000000000 + n, "size": size,
            "distinct_size": size, "ref": rng.choice(["refs/heads/main", "refs/heads/dev"]),
            "head": sha(rng), "before": sha(rng),
            "commits": [{"sha": sha(rng), "author": {"email": f"{actor['login']}@users.noreply.github.com",
                                                     "name": actor["login"]},
                         "message": f"{rng.choice(['Fix', 'Add', 'Update', 'Remove'])} {rng.choice(WORDS)}",
                         "distinct": True,
                         "url": f"{repo['url']}/commits/{n}"} for _ in range(size)],
        }
    if kind == "WatchEvent":
        return {"action": "started"}
    if kind == "CreateEvent":
        return {"ref": rng.choice(["main", "feature-x", "v1.0.0"]),
                "ref_type": rng.choice(["branch", "tag", "repository"]),
                "master_branch": "main", "description": None, "pusher_type": "user"}
    if kind == "PullRequestEvent":
        num = rng.randint(1, 900)
        return {"action": rng.choice(["opened", "closed", "reopened"]), "number": num,
                "pull_request": {"id": 1700000000 + n, "number": num, "state": "open",
                                 "title": f"{rng.choice(['Improve', 'Refactor', 'Speed up'])} "
                                          f"{rng.choice(WORDS)}",
                                 "url": f"{repo['url']}/pulls/{num}",
                                 "additions": rng.randint(0, 500), "deletions": rng.randint(0, 300)}}
    if kind == "IssuesEvent":
        num = rng.randint(1, 900)
        return {"action": rng.choice(["opened", "closed"]),
                "issue": {"id": 2100000000 + n, "number": num, "title": f"{rng.choice(WORDS)} is broken",
                          "state": "open", "comments": rng.randint(0, 12)}}
    if kind == "IssueCommentEvent":
        num = rng.randint(1, 900)
        return {"action": "created", "issue": {"number": num},
                "comment": {"id": 3100000000 + n, "body": f"Looks good, {rng.choice(WORDS)}!"}}
    if kind == "ForkEvent":
        return {"forkee": {"id": repo["id"] + 7000000, "full_name": f"{actor['login']}/{repo['name'].split('/')[1]}",
                           "private": False}}
    return {"ref": "feature-x", "ref_type": "branch", "pusher_type": "user"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "pipelines", "data", "github_events.json"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    users = make_users(rng, 150)
    repos = make_repos(rng, users, 80)
    kinds = [k for k, w in TYPES for _ in range(w)]
    start = datetime.datetime(2024, 3, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
    # Bad records at fixed places: (index, what is wrong)
    bad = {97: "no_login", 411: "bad_avatar", 733: "no_login", 1024: "http_avatar",
           1338: "no_id", 1500: "empty_login", 1777: "bad_avatar", 1999: "no_actor_login_key"}
    events = []
    for n in range(args.count):
        actor = dict(rng.choice(users))
        repo = rng.choice(repos)
        kind = rng.choice(kinds)
        what = bad.get(n)
        if what in ("no_login", "no_actor_login_key"):
            del actor["login"]
            del actor["display_login"]
        elif what == "empty_login":
            actor["login"] = ""
        elif what == "bad_avatar":
            actor["avatar_url"] = "not-a-url"
        elif what == "http_avatar":
            actor["avatar_url"] = "http://example.com/avatar.png"
        elif what == "no_id":
            del actor["id"]
        ev = {
            "id": str(35000000000 + n * 3 + rng.randint(0, 2)),
            "type": kind,
            "actor": actor,
            "repo": repo,
            "payload": payload(rng, kind, repo, actor if "login" in actor else {"login": "ghost"}, n),
            "public": True,
            "created_at": (start + datetime.timedelta(seconds=n * 2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if rng.random() < 0.15:
            org = rng.choice(WORDS)
            ev["org"] = {"id": 90000 + WORDS.index(org), "login": org, "gravatar_id": "",
                         "url": f"https://api.github.com/orgs/{org}",
                         "avatar_url": f"https://avatars.githubusercontent.com/u/{90000 + WORDS.index(org)}?"}
        events.append(ev)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        # one event per line: readable, diff-friendly, still one JSON array
        f.write("[\n" + ",\n".join(json.dumps(e, separators=(",", ":")) for e in events) + "\n]\n")
    print(f"wrote {len(events)} events ({len(bad)} bad) to {args.out}")


if __name__ == "__main__":
    main()
