//! Signing: the key, the payload (checked before it is signed), the signature, the
//! outbox. A signed election is stored before anything tries to send it.

use election_core::contract::{
    canonical_bytes, detached_jws, jws_signing_input, payload_problems, ElectionPayload,
    SignedElection, Signing,
};
use election_core::DeliveryEvent;

use super::{Command, Courier, SignRequest, SIGN_MARK, SIGN_MEASURE};
use crate::delivery::{self, OutboxEntry, Status, Transport};
use crate::device::DeviceError;

/// A signature under way: waiting for the key, then for the signature.
pub(super) struct SignFlow {
    request: SignRequest,
    nonce: String,
    idempotency_key: String,
    signature: Option<(ElectionPayload, String)>,
}

impl Courier {
    pub(super) fn sign_requested(
        &mut self,
        request: SignRequest,
        nonce: String,
        idempotency_key: String,
    ) {
        // One signature at a time (the button is disabled while one is made).
        if self.closed || self.signing.is_some() {
            return;
        }
        self.view.signing = true;
        self.view.sign_problem = None;
        self.signing = Some(SignFlow {
            request,
            nonce,
            idempotency_key,
            signature: None,
        });
        match self.key.is_some() {
            true => self.sign_payload(),
            false => self.ask_key(),
        }
    }

    pub(super) fn sign_key_ready(&mut self, problem: Option<String>) {
        if !matches!(&self.signing, Some(flow) if flow.signature.is_none()) {
            return;
        }
        match problem {
            Some(problem) => self.signing_failed(problem),
            None => self.sign_payload(),
        }
    }

    /// Builds the payload (with the next sequence number) and asks for its signature.
    fn sign_payload(&mut self) {
        let (Some(mut flow), Some(key)) = (self.signing.take(), self.key.clone()) else {
            return;
        };
        let client_time = chrono::DateTime::from_timestamp_millis(self.now() as i64)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default();
        let signing = Signing {
            sequence: delivery::next_sequence(&self.entries),
            nonce: flow.nonce.clone(),
            idempotency_key: flow.idempotency_key.clone(),
            client_time,
            key_id: key.key_id.clone(),
            signed_name: flow.request.signed_name.clone(),
        };
        self.out.push(Command::Mark(SIGN_MARK));
        let payload = ElectionPayload::build(
            &self.offer,
            &self.holder,
            &flow.request.election,
            flow.request.acknowledgments.clone(),
            signing,
        );
        let problems = payload_problems(&payload);
        if !problems.is_empty() {
            return self.signing_failed(format!(
                "the election could not be signed: {}",
                problems.join("; ")
            ));
        }
        let (header, input) = jws_signing_input(&key.key_id, &canonical_bytes(&payload));
        flow.signature = Some((payload, header));
        self.signing = Some(flow);
        self.out.push(Command::Sign {
            input: input.into_bytes(),
        });
    }

    /// The signature came: the signed election goes into the outbox (and, with no
    /// backend, to the employee as a file), and the host is told.
    pub(super) fn signed(&mut self, result: Result<Vec<u8>, DeviceError>) {
        let Some(SignFlow {
            signature: Some((payload, header)),
            ..
        }) = self.signing.take()
        else {
            return;
        };
        let signature = match result {
            Ok(signature) => signature,
            Err(problem) => return self.signing_failed(problem.to_string()),
        };
        let signed = SignedElection {
            payload,
            signature: detached_jws(&header, &signature),
        };
        self.out.push(Command::Measure {
            name: SIGN_MEASURE,
            mark: SIGN_MARK,
        });
        let mut entry = OutboxEntry::new(signed, self.now() as i64);
        if self.transport == Transport::Download {
            match delivery::to_json("the signed election", &entry.signed) {
                Ok(text) => self.out.push(Command::Download {
                    name: delivery::file_name("election", entry.payload()),
                    text,
                }),
                Err(problem) => return self.signing_failed(problem),
            }
            entry.status = Status::Downloaded;
        }
        let p = entry.payload();
        let event = DeliveryEvent::ElectionSigned {
            offer_id: p.offer_id.clone(),
            employee_id: p.employee_id.clone(),
            sequence: p.sequence,
            idempotency_key: entry.key().to_owned(),
            payload_hash: entry.payload_hash.clone(),
            withdrawal: p.is_withdrawal(),
            signed_election: Box::new(entry.signed.clone()),
        };
        self.put(entry);
        self.supersede_older();
        self.out.push(Command::Emit(event));
        self.view.signing = false;
        self.kick(false);
    }

    fn signing_failed(&mut self, problem: String) {
        self.signing = None;
        self.view.signing = false;
        self.view.sign_problem = Some(problem);
        self.kick(false);
    }
}
