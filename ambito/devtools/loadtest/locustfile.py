"""Social workers, providers, planners and a regional observer working at once (run by `make bench`, group ``load``).

Started by the bench as ``locust -f ambito/devtools/loadtest/locustfile.py --headless ...`` against gunicorn on
loopback. Everything it needs (signed-in sessions, API tokens, URLs, records to read, referrals to answer,
referrals to log deliveries on) comes from the JSON file named by ``AMBITO_LOAD_CONFIG``, which the bench
writes from the synthetic Ambito: this file knows no URL and imports nothing from Django.

Every request must answer exactly the expected status (no redirect to the login page passes for a 200)."""

import itertools
import json
import os
import random

from locust import HttpUser, between, task

CONFIG = json.loads(open(os.environ["AMBITO_LOAD_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
# Referrals to accept or decline: one answer each across every provider user (locust runs in one process).
TO_ANSWER = list(CONFIG["provider"]["to_answer"])
DECISION = itertools.cycle(["accept", "decline"])


class Persona(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    persona = ""

    def on_start(self):
        self.me = CONFIG[self.persona]
        self.rng = random.Random()

    def page(self, name: str, url: str):
        self._expect("GET", name, url, 200, headers={"Cookie": self.me["cookie"]})

    def api(self, method: str, name: str, url: str, body=None, status: int = 200):
        self._expect(method, name, url, status, json=body, headers={"Authorization": f"Token {self.me['token']}"})

    def _expect(self, method, name, url, status, **kwargs):
        with self.client.request(method, url, name=name, catch_response=True, allow_redirects=False,
                                 **kwargs) as response:
            if response.status_code != status:
                response.failure(f"{response.status_code} instead of {status}: {response.text[:200]}")

    def log_delivery(self, name: str):
        referral = self.rng.choice(self.me["deliveries"])
        self.api("POST", name, CONFIG["urls"]["deliveries"], status=201, body={
            "referral": referral["referral"], "delivered_on": referral["day"], "delivery_type": referral["type"],
            "hours": "1.5", "operator_name": "Operatore carico", "notes": "load test"})


class SocialWorker(Persona):
    """*Assistente sociale*: the work queue, cases, a person, a request; new requests and deliveries."""

    weight = 5
    persona = "social_worker"

    @task(3)
    def work_queue(self):
        self.page("sw: work queue", self.me["work_queue"])

    @task(3)
    def case_list(self):
        self.page("sw: case list (filtered, paginated)", f"{self.me['case_list']}&page={self.rng.randint(1, 3)}")

    @task(2)
    def person(self):
        self.page("sw: person detail", self.rng.choice(self.me["persons"]))

    @task(2)
    def request_detail(self):
        self.page("sw: request detail", self.rng.choice(self.me["requests"]))

    @task(1)
    def new_request(self):
        body = dict(self.me["new_request"], person=self.rng.choice(self.me["person_ids"]))
        self.api("POST", "sw: POST /api/v1/requests/", CONFIG["urls"]["requests"], body=body, status=201)

    @task(1)
    def delivery(self):
        self.log_delivery("sw: POST /api/v1/deliveries/")


class Provider(Persona):
    """*Operatore dell'ente (ETS)*: its referrals, an answer to a new one, deliveries."""

    weight = 3
    persona = "provider"

    @task(3)
    def inbox(self):
        self.page("provider: referral inbox", self.me["inbox"])

    @task(1)
    def answer(self):
        if not TO_ANSWER:
            self.api("GET", "provider: GET /api/v1/referrals/?status=sent", self.me["sent_list"])
            return
        pk = TO_ANSWER.pop()
        if next(DECISION) == "accept":
            self.api("POST", "provider: accept a referral (API)", CONFIG["urls"]["accept"].format(pk=pk))
        else:
            self.api("POST", "provider: decline a referral (API)", CONFIG["urls"]["decline"].format(pk=pk),
                     body={"reason": "no_capacity", "note": "load test"})

    @task(2)
    def delivery(self):
        self.log_delivery("provider: POST /api/v1/deliveries/")


class Planner(Persona):
    """*Ufficio di Piano*: the plan's budget, the dashboard, the directory, the budget API."""

    weight = 2
    persona = "planner"

    @task(2)
    def budget_page(self):
        self.page("planner: plan budget page", self.me["budget_page"])

    @task(2)
    def dashboard(self):
        self.page("planner: monitoring dashboard", self.me["dashboard"])

    @task(2)
    def directory(self):
        self.page("planner: directory search", self.rng.choice(self.me["directory"]))

    @task(1)
    def budget_api(self):
        self.api("GET", "planner: GET /api/v1/plans/{id}/budget/", self.me["budget_api"])


class Observer(Persona):
    """*Osservatorio regionale*: the Ambiti of its region side by side, on the page and through the API. One
    officer whatever the number of users: the Region follows its Ambiti, it does not work in them."""

    fixed_count = 1
    persona = "observer"

    @task(2)
    def region(self):
        self.page("observer: regional comparison", self.me["region"])

    @task(1)
    def region_api(self):
        self.api("GET", "observer: GET /api/v1/monitoring/region/", self.me["region_api"])
