//! Reading the attachments (bilagor) sent with online applications: staff who may read the household download them,
//! an applicant their own. Every download is an audited read of the person's data; refusals are audited too and say
//! nothing about whether the document exists.

use domain::DocumentId;
use store::{DocumentFile, DocumentInfo, Intake, StoreError};

use crate::access::{Actor, Denied, Permission};
use crate::service::{App, AppError};

impl App {
    /// One attachment with its content. Staff read by the household's unit and protected-identity grants (as for
    /// the household page); an applicant reads only the files they sent themselves, not another household member's
    /// (a partner's medical certificate may be secret even within the family).
    pub async fn document(&self, actor: &Actor, document: DocumentId) -> Result<DocumentFile, AppError> {
        let page = format!("dokument/{document}");
        let ctx = self.audit_ctx(actor, &page);
        let access = self.store.document_access(document).await;
        let check = if actor.require(Permission::ApplyOwn).is_ok() {
            // An applicant reads what they sent, whichever household they belong to now (a former member keeps
            // their own attachments); nothing another member sent. A missing document is refused the same way.
            match access {
                Ok(a) if actor.person == Some(a.person) => Ok(()),
                Ok(_) | Err(StoreError::NotFound { .. }) => Err(Denied::Role),
                Err(e) => return Err(e.into()),
            }
        } else {
            match self.access_check(actor, access.map(|a| a.household)).await {
                Ok(check) => check,
                // Staff may learn that a household exists, but not which document ids are taken: ids are
                // sequential, and a document tells that someone applied. A missing document is refused like a
                // forbidden one.
                Err(AppError::NotFound { .. }) => Err(Denied::Role),
                Err(e) => return Err(e),
            }
        };
        self.enforce(&ctx, &page, check).await?;
        Ok(self.store.read_document(&ctx, document).await?)
    }

    /// The attachments the applicant has sent with their applications, oldest first (their own data; audited).
    pub async fn my_documents(&self, actor: &Actor) -> Result<Vec<DocumentInfo>, AppError> {
        actor.require(Permission::ApplyOwn)?;
        let person = actor.person.ok_or(Denied::Role)?;
        let ctx = self.audit_ctx(actor, "mina-sidor");
        Ok(self.store.documents_sent_by(&ctx, person).await?)
    }
}
