"""moto's S3 server (moto_server) for the forbidden-kit rig, with IAM authentication on
(INITIAL_NO_AUTH_ACTION_COUNT=0, as moto's docs on IAM-like access control show). Before the
server starts, this seeds moto's in-memory backends with fixed test identities, so the
scenarios can carry literal SigV4 signatures:

    alice  EXAMPLERIGALICE00001  may read bucket rig-data (inline user policy s3:*)
    bob    EXAMPLERIGBOB0000002  may only list buckets (s3:ListAllMyBuckets)
    bucket rig-data: report.txt, and restricted/payroll.csv denied to all by the bucket policy

    python server.py HOST PORT
"""
import json
import os
import sys

os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"   # every request is authenticated

from moto.core import DEFAULT_ACCOUNT_ID
from moto.iam.models import iam_backends
from moto.s3.models import s3_backends
from moto.server import main

IDENTITIES = {
    "alice": ("EXAMPLERIGALICE00001", "rig/secret/alice/0000000000000000000001",
              {"Version": "2012-10-17",
               "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
    "bob": ("EXAMPLERIGBOB0000002", "rig/secret/bob/000000000000000000000002",
            {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets",
                            "Resource": "*"}]}),
}

BUCKET_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "DenyRestricted", "Effect": "Deny", "Principal": "*",
                   "Action": "s3:GetObject", "Resource": "arn:aws:s3:::rig-data/restricted/*"}],
}


def seed():
    iam = iam_backends[DEFAULT_ACCOUNT_ID]["aws"]
    for user, (key_id, secret, policy) in IDENTITIES.items():
        iam.create_user(region_name="us-east-1", user_name=user, path="/", tags=[])
        key = iam.create_access_key(user_name=user)
        iam.access_keys.pop(key.access_key_id, None)
        key.access_key_id, key.secret_access_key = key_id, secret
        iam.access_keys[key_id] = key
        iam.put_user_policy(user, "rig-s3", json.dumps(policy))
    s3 = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    s3.create_bucket("rig-data", "us-east-1")
    s3.put_object("rig-data", "report.txt", b"quarterly report\n")
    s3.put_object("rig-data", "restricted/payroll.csv", b"name,salary\n")
    # A bucket policy that denies reading restricted/ to every principal.
    s3.put_bucket_policy("rig-data", json.dumps(BUCKET_POLICY).encode())


if __name__ == "__main__":
    seed()
    main(["-H", sys.argv[1], "-p", sys.argv[2]])
